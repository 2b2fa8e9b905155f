/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * bench_frost.h - FROST (BIP-445) per-signer and coordinator costs against
 * the same work done with libsecp256k1's public API.
 */
#ifndef MPC_BENCH_FROST_H
#define MPC_BENCH_FROST_H

/*
 * Prints, in the bench line format
 *   <op> ours_ns=<N> libsecp256k1_ns=<N> ratio=<ours/theirs>
 * frost_signer, frost_signer_3of5 (NonceGen + Sign with
 * MPC_FROST_SIGN_TRUSTED_SIGNERS, what the key store runs),
 * frost_signer_spec, frost_signer_spec_3of5 (plain mpc_frost_sign: full
 * ValidateSignersCtx), frost_signer_vs_selfverifying (libsecp256k1 side
 * also self-verifies), frost_coordinator_verify, and ours-only breakdown
 * lines (frost_nonce_gen, frost_sign_trusted, frost_sign_spec).
 * Env: MPC_BENCH_ROUNDS (default 21), MPC_BENCH_SCALE.  Calls
 * mpc_ecmult_init() itself (idempotent).
 */
void bench_frost_run(void);

#endif
