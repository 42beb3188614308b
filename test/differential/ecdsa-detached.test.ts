import { differentialSuite } from './differential-suite';

differentialSuite('ecdsa-detached');
