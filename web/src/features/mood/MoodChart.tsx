import {
  CategoryScale,
  Chart,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { Line } from 'react-chartjs-2';

// Only the parts a line chart needs, so the bundle carries no more of Chart.js.
Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Filler);

/** Mood (−1 … 1) over time; the canvas has a text label, the numbers are also in a table next to it. */
export function MoodChart({ labels, values, label }: { labels: string[]; values: number[]; label: string }) {
  return (
    <Line
      role="img"
      aria-label={label}
      data={{
        labels,
        datasets: [
          {
            label,
            data: values,
            borderColor: '#3b5bdb',
            backgroundColor: 'rgba(59, 91, 219, 0.15)',
            fill: 'origin',
            tension: 0.3,
          },
        ],
      }}
      options={{
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { min: -1, max: 1 } },
        plugins: { legend: { display: false } },
      }}
    />
  );
}
