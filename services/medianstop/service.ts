import { earlyStoppingService } from '../../shared/algorithm/service-definition.js';
import { MEDIANSTOP_ALGORITHM_NAME, medianStopSchema } from './rule/medianstop-settings.js';

export const medianStopService = earlyStoppingService('medianstop', [{ name: MEDIANSTOP_ALGORITHM_NAME, settings: medianStopSchema }]);
