// `npm run --silent mood:score`: JSON lines {"text": "..."} on stdin, one JSON
// line out per text, in order: {"valence", "valenceScore", "emotions", "language"}.
// A line that is not such an object gets {"error": "..."} in its place.
import { createInterface } from 'node:readline';
import { MoodModel } from './model.js';

const model = await MoodModel.load();
const batchSize = 256;
let batch: (string | { error: string })[] = [];

function flush(): void {
  const texts = batch.filter((b): b is string => typeof b === 'string');
  const scored = model.score(texts);
  let next = 0;
  for (const item of batch) {
    process.stdout.write(`${JSON.stringify(typeof item === 'string' ? scored[next++] : item)}\n`);
  }
  batch = [];
}

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.trim() === '') continue;
  try {
    const parsed = JSON.parse(line) as { text?: unknown };
    batch.push(
      typeof parsed?.text === 'string' ? parsed.text : { error: 'each line must be {"text": "..."}' },
    );
  } catch {
    batch.push({ error: 'not JSON' });
  }
  if (batch.length >= batchSize) flush();
}
flush();
