import { differentialSuite } from './differential-suite';

differentialSuite('jar-block');
