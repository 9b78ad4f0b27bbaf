import { useEffect, useState } from "react";

/** How often the microphone's level is read (10 times a second is smooth enough for bars). */
const SAMPLE_MS = 100;
/** RMS of speech at a normal distance is about 0.05–0.2; this maps it onto most of the meter. */
const FULL_SCALE_RMS = 0.25;

/**
 * The loudness (0–1) of a microphone stream, read with the Web Audio API's
 * `AnalyserNode`: the root mean square of the latest samples, scaled. 0 while
 * there is no stream or `on` is false (muted, the agent speaking).
 */
export function useMicrophoneLevel(stream: MediaStream | null, on: boolean): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    // Off: the previous run's cleanup has put the level back to 0.
    if (!stream || !on || typeof AudioContext === "undefined") return;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    const source = context.createMediaStreamSource(stream);
    source.connect(analyser);
    // A context created outside a click may start suspended; the visitor has clicked by now.
    void context.resume().catch(() => {});
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      setLevel(loudness(samples));
    }, SAMPLE_MS);
    return () => {
      clearInterval(timer);
      source.disconnect();
      void context.close().catch(() => {});
      setLevel(0);
    };
  }, [stream, on]);
  return level;
}

/** The level (0–1) of a block of samples in [-1, 1]: their RMS against `FULL_SCALE_RMS`. */
export function loudness(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let index = 0; index < samples.length; index++) sum += samples[index]! ** 2;
  return Math.min(1, Math.sqrt(sum / samples.length) / FULL_SCALE_RMS);
}

const BARS = [0.5, 0.8, 1, 0.8, 0.5];

/**
 * Five bars that rise with a level (0–1). `animated` instead bounces them on
 * their own, for speech whose loudness the page cannot read (the browser's
 * `speechSynthesis` plays outside Web Audio).
 */
export function LevelMeter({
  label,
  level,
  animated = false,
}: {
  label: string;
  level: number;
  animated?: boolean;
}) {
  const percent = Math.round(level * 100);
  return (
    <div
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      data-testid="level-meter"
      data-animated={animated || undefined}
      className="flex h-8 items-center justify-center gap-1"
    >
      {BARS.map((weight, index) => (
        <span
          key={index}
          aria-hidden
          className={`w-1.5 rounded-full bg-primary transition-[height] duration-100 ${animated ? "animate-pulse" : ""}`}
          style={{
            height: animated
              ? `${40 + weight * 60}%`
              : `${Math.max(12, Math.min(100, 12 + level * weight * 88))}%`,
            animationDelay: animated ? `${index * 120}ms` : undefined,
          }}
        />
      ))}
    </div>
  );
}
