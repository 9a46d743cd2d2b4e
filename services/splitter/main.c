/* vp-splitter: the splitter service (documents -> segments). */
#include "split_svc.h"
#include "vp_worker_main.h"

int main(int argc, char **argv)
{
	static const struct vp_wmain w = {
	    .prog = "vp-splitter",
	    .kind = "split",
	    .about = "Splits documents into segments with offsets into the "
	             "original; pulls split jobs from the dispatcher.",
	    .fn = split_job,
	    .inline_bytes = VP_WORKER_SMALL_JOB,
	};
	return vp_worker_main(&w, argc, argv);
}
