import { useEffect, useRef, useState } from 'react';
import { importDataset } from '../../engine/app';
import { useAppStore } from '../../store';
import { captureFrame, FRAMES_PER_SECOND } from './webcamFrames';

interface WebcamClass {
  name: string;
  frames: Blob[];
}

/** Classroom capture: hold a button to record webcam frames into a class, then save the set. */
export function WebcamCapture() {
  const notify = useAppStore((s) => s.notify);
  const size = useAppStore((s) => s.model.summary?.manifest?.image.size ?? 32);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [classes, setClasses] = useState<WebcamClass[]>([
    { name: 'class 1', frames: [] },
    { name: 'class 2', frames: [] },
  ]);
  const [active, setActive] = useState<number | null>(null);
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    if (video.current && stream) video.current.srcObject = stream;
    return () => stream?.getTracks().forEach((t) => t.stop());
  }, [stream]);

  useEffect(() => {
    if (active === null) return;
    const timer = setInterval(() => {
      const v = video.current;
      if (!v) return;
      void captureFrame(v, Math.max(64, size)).then((blob) => {
        if (!blob) return;
        setClasses((cs) =>
          cs.map((c, i) => (i === active ? { ...c, frames: [...c.frames, blob] } : c)),
        );
      });
    }, 1000 / FRAMES_PER_SECOND);
    return () => clearInterval(timer);
  }, [active, size]);

  const start = async () => {
    try {
      setStream(await navigator.mediaDevices.getUserMedia({ video: true, audio: false }));
    } catch (e) {
      notify(
        'error',
        `The webcam could not be started: ${(e as Error).message || (e as Error).name}`,
      );
    }
  };

  const save = () => {
    const files = classes.flatMap((c) =>
      c.frames.map((file, i) => ({ path: `${c.name}/frame-${i + 1}.png`, file })),
    );
    if (files.length === 0)
      return notify('error', 'No frames captured yet: hold a capture button.');
    void importDataset({
      kind: 'files',
      origin: 'webcam',
      name: `Webcam ${new Date().toLocaleString('en-GB')}`,
      files,
    }).then((r) => {
      if (r) setClasses((cs) => cs.map((c) => ({ ...c, frames: [] })));
    });
  };

  if (!stream) {
    return (
      <section className="ds-webcam" aria-label="Webcam">
        <button type="button" onClick={() => void start()}>
          Capture from the webcam…
        </button>
      </section>
    );
  }
  return (
    <section className="ds-webcam" aria-label="Webcam">
      <video
        ref={video}
        autoPlay
        muted
        playsInline
        width={160}
        height={120}
        aria-label="Webcam preview"
      />
      <ul>
        {classes.map((c, i) => (
          <li key={i}>
            <input
              type="text"
              value={c.name}
              aria-label={`Webcam class ${i + 1} name`}
              onChange={(e) =>
                setClasses((cs) => cs.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))
              }
            />
            <button
              type="button"
              aria-pressed={active === i}
              onPointerDown={() => setActive(i)}
              onPointerUp={() => setActive(null)}
              onPointerLeave={() => setActive((a) => (a === i ? null : a))}
              onKeyDown={(e) => {
                if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) setActive(i);
              }}
              onKeyUp={() => setActive(null)}
            >
              Hold to capture
            </button>{' '}
            <span data-testid="webcam-count">{c.frames.length} frames</span>
          </li>
        ))}
      </ul>
      <button
        type="button"
        onClick={() => setClasses((cs) => [...cs, { name: `class ${cs.length + 1}`, frames: [] }])}
      >
        Add a class
      </button>{' '}
      <button type="button" onClick={save}>
        Save as a dataset
      </button>{' '}
      <button type="button" onClick={() => setStream(null)}>
        Stop the webcam
      </button>
    </section>
  );
}
