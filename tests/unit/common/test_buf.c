/* test_buf.c - vp_buf: the maximum exactly reached and one byte past it,
 * growth over many appends, reset and reuse, and handing the bytes over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "vp_buf.h"
#include "vp_err.h"

static void test_limit(void **state)
{
	struct vp_buf b;
	(void)state;
	vp_buf_init(&b, 10);
	assert_null(b.mem);
	assert_int_equal(vp_buf_room(&b), 10);
	assert_int_equal(vp_buf_add(&b, "12345", 5), VP_OK);
	assert_int_equal(vp_buf_addstr(&b, "67890"), VP_OK); /* exactly 10 */
	assert_int_equal(b.len, 10);
	assert_string_equal(b.mem, "1234567890");
	assert_int_equal(vp_buf_room(&b), 0);
	assert_true(b.cap <= 11); /* never allocates past the maximum */
	/* one byte over fails and leaves the buffer as it was */
	assert_int_equal(vp_buf_add(&b, "x", 1), VP_ETOOLARGE);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.mem, "1234567890");
	assert_int_equal(vp_buf_add(&b, "", 0), VP_OK);
	vp_buf_free(&b);
	assert_null(b.mem);
	assert_int_equal(b.len, 0);

	/* a single append one over the maximum fails whole */
	vp_buf_init(&b, 4);
	assert_int_equal(vp_buf_add(&b, "abcde", 5), VP_ETOOLARGE);
	assert_null(b.mem);
	assert_int_equal(vp_buf_add(&b, "abcd", 4), VP_OK);
	assert_string_equal(b.mem, "abcd");
	vp_buf_free(&b);

	vp_buf_init(&b, 0);
	assert_int_equal(vp_buf_add(&b, "a", 1), VP_ETOOLARGE);
	assert_int_equal(vp_buf_add(&b, "", 0), VP_OK);
	assert_string_equal(b.mem, "");
	vp_buf_free(&b);
}

static void test_growth(void **state)
{
	struct vp_buf b;
	char want[3001];
	(void)state;
	vp_buf_init(&b, 3000);
	for (size_t i = 0; i < 3000; i++) {
		want[i] = (char)('a' + i % 26);
		assert_int_equal(vp_buf_add(&b, &want[i], 1), VP_OK);
		assert_true(b.cap >= b.len + 1);
	}
	want[3000] = '\0';
	assert_int_equal(b.len, 3000);
	assert_string_equal(b.mem, want);
	assert_int_equal(b.cap, 3001);
	assert_int_equal(vp_buf_add(&b, "a", 1), VP_ETOOLARGE);
	vp_buf_free(&b);
}

static void test_reset(void **state)
{
	struct vp_buf b;
	(void)state;
	vp_buf_init(&b, 8);
	assert_int_equal(vp_buf_addstr(&b, "12345678"), VP_OK);
	char *mem = b.mem;
	vp_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.mem, "");
	assert_int_equal(vp_buf_room(&b), 8);
	/* the memory is reused and the maximum still holds */
	assert_int_equal(vp_buf_addstr(&b, "abcdefgh"), VP_OK);
	assert_ptr_equal(b.mem, mem);
	assert_int_equal(vp_buf_addstr(&b, "i"), VP_ETOOLARGE);
	vp_buf_free(&b);
	vp_buf_free(&b); /* twice is harmless */
	vp_buf_free(NULL);
}

static void test_take(void **state)
{
	struct vp_buf b;
	char *s;
	size_t n = 99;
	(void)state;
	vp_buf_init(&b, 100);
	assert_null(vp_buf_take(&b, &n)); /* nothing appended: nothing */
	assert_int_equal(n, 0);
	assert_int_equal(vp_buf_addstr(&b, "Kamerstuk 36200"), VP_OK);
	s = vp_buf_take(&b, &n);
	assert_string_equal(s, "Kamerstuk 36200");
	assert_int_equal(n, 15);
	/* b is empty again, with the same maximum, and s is the caller's */
	assert_null(b.mem);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 100);
	assert_int_equal(vp_buf_addstr(&b, "x"), VP_OK);
	assert_string_equal(s, "Kamerstuk 36200");
	free(s);
	/* after a reset the memory is kept: an empty string */
	vp_buf_reset(&b);
	s = vp_buf_take(&b, NULL);
	assert_string_equal(s, "");
	free(s);
	vp_buf_free(&b);
}

/* A file read whole: exactly the maximum fits, one byte more does not, a
 * missing file is VP_EIO with errno set, an empty file appends nothing. */
static void test_read_file(void **state)
{
	char path[] = "/tmp/vp-buf-XXXXXX";
	struct vp_buf b;
	int fd = mkstemp(path);
	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	close(fd);
	vp_buf_init(&b, 10);
	assert_int_equal(vp_buf_read_file(&b, path), VP_OK);
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.mem, "0123456789", 11);
	vp_buf_free(&b);
	vp_buf_init(&b, 9);
	assert_int_equal(vp_buf_read_file(&b, path), VP_ETOOLARGE);
	vp_buf_free(&b);
	fd = open(path, O_WRONLY | O_TRUNC);
	close(fd);
	vp_buf_init(&b, 9);
	assert_int_equal(vp_buf_read_file(&b, path), VP_OK);
	assert_int_equal(b.len, 0);
	vp_buf_free(&b);
	unlink(path);
	errno = 0;
	assert_int_equal(vp_buf_read_file(&b, path), VP_EIO);
	assert_int_equal(errno, ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_limit),
	    cmocka_unit_test(test_growth),
	    cmocka_unit_test(test_reset),
	    cmocka_unit_test(test_take),
	    cmocka_unit_test(test_read_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
