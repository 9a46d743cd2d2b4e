/* Internal to vp_proto.h: undefines every macro messages.def uses. */
#undef VP_STRUCT
#undef VP_END
#undef VP_U32
#undef VP_U64
#undef VP_F64
#undef VP_BOOL
#undef VP_STR
#undef VP_BIN
#undef VP_ID16
#undef VP_STRS
#undef VP_U64S
#undef VP_KVS
#undef VP_ARR
#undef VP_PTR
#undef VP_MSG
#undef VP_MSG_NOBODY
