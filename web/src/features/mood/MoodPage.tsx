import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../app/errors';
import { useSession } from '../auth/session-context';
import { valenceSeries, type Period, type TimelinePoint } from './chart-data';
import { MoodChart } from './MoodChart';

const periods: Period[] = ['day', 'week', 'month'];

export default function MoodPage() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const [period, setPeriod] = useState<Period>('day');
  const timeline = useQuery({
    queryKey: ['mood', 'timeline', period],
    queryFn: () =>
      session.call((c) =>
        c.api<{ points: TimelinePoint[] }>('GET', `/me/portrait/timeline?period=${period}`),
      ),
  });
  const series = valenceSeries(timeline.data?.points ?? [], i18n.language, period);
  const chartLabel = t('mood.chart', { period: t(`mood.periods.${period}`).toLowerCase() });
  return (
    <main className="page">
      <h1>{t('mood.title')}</h1>
      <label>
        {t('mood.period')}{' '}
        <select value={period} onChange={(e) => setPeriod(e.target.value as Period)}>
          {periods.map((p) => (
            <option key={p} value={p}>
              {t(`mood.periods.${p}`)}
            </option>
          ))}
        </select>
      </label>
      {timeline.isPending && <p role="status">{t('app.loading')}</p>}
      {timeline.error && <p role="alert">{describeError(timeline.error, t)}</p>}
      {timeline.isSuccess && series.values.length === 0 && <p>{t('mood.empty')}</p>}
      {series.values.length > 0 && (
        <>
          <figure className="chart">
            <MoodChart labels={series.labels} values={series.values} label={chartLabel} />
          </figure>
          <table>
            <caption>{t('mood.table')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('mood.start')}</th>
                <th scope="col">{t('mood.count')}</th>
                <th scope="col">{t('mood.mean')}</th>
              </tr>
            </thead>
            <tbody>
              {series.rows.map((row) => (
                <tr key={row.label}>
                  <td>{row.label}</td>
                  <td>{row.count}</td>
                  <td>{row.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
