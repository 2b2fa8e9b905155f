/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * bench_dkg.h - ChillDKG cost per participant and for the coordinator.
 */
#ifndef MPC_BENCH_DKG_H
#define MPC_BENCH_DKG_H

/* Prints dkg_participant / dkg_coordinator lines for n = 3, 10, 30, 100 and a
 * dkg_scaling line.  Env: MPC_BENCH_DKG_REPS (repetitions for n < 100, default
 * 11; n = 100 uses a third of it, at least 1), MPC_BENCH_DKG_MAXN (skip larger n),
 * MPC_BENCH_DKG_ONLY (run this n only). */
void bench_dkg_run(void);

#endif
