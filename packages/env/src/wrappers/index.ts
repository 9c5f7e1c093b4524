export { Wrapper } from './wrapper.js';
export { TimeLimit } from './time-limit.js';
export { RecordEpisodeStatistics, type EpisodeStatistics } from './record-episode-statistics.js';
export { RecordFrames } from './record-frames.js';
