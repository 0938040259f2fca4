import { describe, expect, it } from 'vitest';
import { PropagationClock } from './estimate.ts';

describe('time left from the graph times of this run', () => {
  it('each slice left pays the median encoder run, each visit left the measured rest of a visit', () => {
    let now = 1000;
    const clock = new PropagationClock(() => now);
    expect(clock.secondsLeft({ slicesUnvisited: 10, visitsLeft: 20, visitsRun: 0 })).toBeNull();
    for (const ms of [300, 100, 200]) clock.graphRan('vision_encoder', ms); // median 200
    clock.graphRan('memory_attention', 150); // in the elapsed time, not counted twice
    now += 2000; // 600 of it the encoder: 1400 ms over 7 visits = 200 ms a visit
    expect(clock.secondsLeft({ slicesUnvisited: 3, visitsLeft: 5, visitsRun: 7 })).toBeCloseTo((3 * 200 + 5 * 200) / 1000, 9);
    // one object left of three: the slices still pay the encoder, only that object's visits the rest
    expect(clock.secondsLeft({ slicesUnvisited: 3, visitsLeft: 3, visitsRun: 7 })).toBeCloseTo(1.2, 9);
    expect(clock.secondsLeft({ slicesUnvisited: 0, visitsLeft: 0, visitsRun: 7 })).toBe(0);
  });

  it('nothing is promised before an encoder run and two visits were measured', () => {
    let now = 0;
    const clock = new PropagationClock(() => now);
    now = 500;
    expect(clock.secondsLeft({ slicesUnvisited: 4, visitsLeft: 4, visitsRun: 3 })).toBeNull(); // no encoder run yet
    clock.graphRan('vision_encoder', 100);
    expect(clock.secondsLeft({ slicesUnvisited: 4, visitsLeft: 4, visitsRun: 1 })).toBeNull();
    expect(clock.secondsLeft({ slicesUnvisited: 4, visitsLeft: 4, visitsRun: 2 })).toBeCloseTo((4 * 100 + 4 * 200) / 1000, 9);
  });
});
