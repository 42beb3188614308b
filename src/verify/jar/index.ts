export { type VerifyJarRequest, type VerifyJarResult, verifyJar } from './verify-jar';
export { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS, looksLikeZip } from './zip-reader';
