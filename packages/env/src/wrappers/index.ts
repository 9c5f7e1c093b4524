export { type EpisodeStatistics, RecordEpisodeStatistics } from './record-episode-statistics.js';
export { RecordFrames } from './record-frames.js';
export { TimeLimit } from './time-limit.js';
export { Wrapper } from './wrapper.js';
