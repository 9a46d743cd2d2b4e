/* Internal to vp_proto.h: defines every field macro of messages.def as empty,
 * so that one include of messages.def can expand only some kinds of entry. */
#define VP_U32(s, m, k, f, max)
#define VP_U64(s, m, k, f, max)
#define VP_F64(s, m, k, f, lo, hi)
#define VP_BOOL(s, m, k, f)
#define VP_STR(s, m, k, f, maxlen)
#define VP_BIN(s, m, k, f, maxlen)
#define VP_ID16(s, m, k, f)
#define VP_STRS(s, m, k, f, maxn, maxlen)
#define VP_U64S(s, m, k, f, maxn)
#define VP_KVS(s, m, k, f, maxn, maxlen)
#define VP_ARR(s, m, k, f, maxn, sub)
#define VP_PTR(s, m, k, f, sub)
