import { packageProject } from '../../vitest.shared.ts';

export default packageProject('runtime-injector');
