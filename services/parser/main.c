/* vp-parser: the parser service (segments -> citations). */
#include "prs_svc.h"
#include "vp_worker_main.h"

int main(int argc, char **argv)
{
	static const struct vp_wmain w = {"vp-parser", "parse",
	    "Finds and parses citations; pulls parse jobs from the dispatcher.",
	    0, NULL, NULL, prs_job};
	return vp_worker_main(&w, argc, argv);
}
