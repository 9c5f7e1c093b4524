export type { Space, SpaceJSON } from './space.js';
export { Discrete } from './discrete.js';
export { Text } from './text.js';
export { ImageSpace } from './image-space.js';
export { Box } from './box.js';
export { Dict } from './dict.js';
