// The checks of `arbor doctor`, per service, each made the way the service will make it (see policy-checks.ts and
// judge-checks.ts). Each check is one row; a FAIL's detail names the setting to change.
import type { EnvSource } from '@arbor/kit';
import { checkValue, checkReward } from './judge-checks.js';
import { checkPolicy } from './policy-checks.js';
import type { DoctorService, Row } from './probes.js';
import type { DoctorOptions } from './server-rows.js';

export type { DoctorOptions } from './server-rows.js';

export const CHECKS: Record<DoctorService, (env: EnvSource, options: DoctorOptions) => Promise<Row[]>> = { policy: checkPolicy, value: checkValue, reward: checkReward };
