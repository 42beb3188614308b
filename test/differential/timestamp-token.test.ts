import { differentialSuite } from './differential-suite';

differentialSuite('timestamp-token');
