/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * chilldkg_errno.h - the errno of each ChillDKG error kind, as the module's
 * ioctls and libmpcsign's coordinator report them (Documentation/uapi.rst).
 * One table for both sides, so they cannot drift apart.
 */
#ifndef MPC_CHILLDKG_ERRNO_H
#define MPC_CHILLDKG_ERRNO_H

#include "chilldkg.h"

static inline int mpc_dkg_errno(int err)
{
	switch (err) {
	case MPC_DKG_OK:
		return 0;
	case MPC_DKG_ERR_NOMEM:
		return -ENOMEM;
	case MPC_DKG_ERR_HOST_SECKEY:
		return -EKEYREJECTED;
	case MPC_DKG_ERR_FAULTY_PARTICIPANT:
	case MPC_DKG_ERR_FAULTY_PARTICIPANT_OR_COORDINATOR:
	case MPC_DKG_ERR_INVALID_RECOVERY_ACK:
		return -EBADMSG;
	case MPC_DKG_ERR_FAULTY_COORDINATOR:
		return -EPROTO;
	case MPC_DKG_ERR_UNKNOWN_FAULTY_PARTICIPANT_OR_COORDINATOR:
		return -EREMOTEIO;
	case MPC_DKG_ERR_RECOVERY_DATA:
		return -EILSEQ;
	case MPC_DKG_ERR_STATE:
		return -EALREADY;
	case MPC_DKG_ERR_RANDOMNESS:
	case MPC_DKG_ERR_INTERNAL:
		return -EIO;
	default:	/* INVALID_ARG, THRESHOLD_OR_COUNT, *_HOSTPUBKEY */
		return -EINVAL;
	}
}

#endif
