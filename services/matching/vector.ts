import type { Portrait } from '../portrait/portrait-store.js';

// A portrait as a unit vector, so similarity is one dot product: a mood part
// (valence, volatility, emotion shares) and an interest part (diary tags and
// rooms, hashed into a few dimensions). Pure.

const emotionOrder = ['joy', 'sadness', 'anger', 'fear', 'surprise', 'neutral'];
export const moodDims = 2 + emotionOrder.length;
export const interestDims = 24;
export const vectorDims = moodDims + interestDims;
/** How much the mood part weighs against interests (both are unit length before weighting). */
const moodWeight = 0.75;

function fnv(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

function scale(part: Float32Array, weight: number): void {
  let norm = 0;
  for (const x of part) norm += x * x;
  if (norm === 0) return;
  const factor = weight / Math.sqrt(norm);
  for (let i = 0; i < part.length; i++) part[i]! *= factor;
}

/** The portrait's vector; undefined for a portrait with nothing scored yet. */
export function portraitVector(portrait: Portrait): Float32Array | undefined {
  const { mood, interests } = portrait;
  if (mood.count === 0) return undefined;
  const vector = new Float32Array(vectorDims);
  const moodPart = vector.subarray(0, moodDims);
  moodPart[0] = mood.valenceMean;
  moodPart[1] = mood.volatility;
  emotionOrder.forEach((emotion, i) => (moodPart[2 + i] = mood.emotions[emotion] ?? 0));
  const interestPart = vector.subarray(moodDims);
  for (const { tag, entries } of interests.tags)
    interestPart[fnv(`tag:${tag}`) % interestDims]! += Math.log1p(entries);
  for (const { room, messages } of interests.rooms)
    interestPart[fnv(`room:${room}`) % interestDims]! += Math.log1p(messages);
  scale(moodPart, moodWeight);
  scale(interestPart, Math.sqrt(1 - moodWeight ** 2));
  scale(vector, 1);
  return vector;
}
