/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * approval.h - an approver's signature on a signing request (mpcsign approve).
 *
 * An approval is a BIP340 signature by the approver's own key over
 * mpcsign_approval_digest() (wire.h): the threshold key, kind, message and
 * tweaks, nothing of the session, so it survives the coordinator's retries.
 * A party's policy counts it toward a rule's approvals = K quorum
 * (policy.h).  The approver's key is a key file as tls.h's
 * mpcsign_identity_file reads it (64 hex digits, mode 0600).
 */
#ifndef MPCSIGN_APPROVAL_H
#define MPCSIGN_APPROVAL_H

#include <stddef.h>
#include <stdint.h>
#include "wire.h"

/*
 * sig = BIP340(sk of keyfile, digest) (libsecp256k1, checked before return),
 * approver_x = the key's x-only public key.  The secret is wiped before
 * return.  0, or -errno with a sentence in err: -ELOOP/-EINVAL/-EPERM the key
 * file (symlink, malformed, readable by group or others), -ENOMEM, -EIO
 * (the signature did not verify).
 */
int mpcsign_approval_sign(uint8_t sig[64], uint8_t approver_x[32], const char *keyfile,
			  const uint8_t digest[32], char *err, size_t errlen);

#endif
