import { differentialSuite } from './differential-suite';

differentialSuite('rsa-attached');
