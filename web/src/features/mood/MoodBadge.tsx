import { useTranslation } from 'react-i18next';

/** The score the platform gives a message or an entry (`moodScore` in the API). */
export interface MoodScore {
  valence: 'negative' | 'neutral' | 'positive';
  emotion: 'joy' | 'sadness' | 'anger' | 'fear' | 'surprise' | 'neutral';
}

const faces = { negative: '☹', neutral: '😐', positive: '☺' } as const;

/** A message's or entry's mood, as a face and in words. */
export function MoodBadge({ score }: { score: MoodScore | undefined }) {
  const { t } = useTranslation();
  if (!score || !(score.valence in faces)) return null;
  const words = t('mood.score', {
    valence: t(`mood.valences.${score.valence}`),
    emotion: t(`mood.emotions.${score.emotion}`, { defaultValue: score.emotion }),
  });
  return (
    <span className={`mood-badge ${score.valence}`} title={words}>
      <span aria-hidden="true">{faces[score.valence]}</span>
      <span className="visually-hidden">{words}</span>
    </span>
  );
}
