export { Box } from './box.js';
export { Dict } from './dict.js';
export { Discrete } from './discrete.js';
export { ImageSpace } from './image-space.js';
export type { Space, SpaceJSON } from './space.js';
export { Text } from './text.js';
