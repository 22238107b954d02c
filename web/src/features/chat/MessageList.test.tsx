import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { vi } from 'vitest';
import { Composer } from './Composer';
import { MessageList } from './MessageList';
import type { ChatMessage } from './timeline';

const message = (m: Partial<ChatMessage>): ChatMessage => ({
  author: 'u_bob',
  text: '',
  deleted: false,
  status: 'sent',
  ...m,
});

describe('a room’s messages', () => {
  it('shows mine as “You”, a send in flight as sending, and a failed one with a retry', async () => {
    const onRetry = vi.fn();
    const failed = message({ clientId: 'c2', author: 'u_ann', text: 'lost', status: 'failed' });
    render(
      <MessageList
        me="u_ann"
        onRetry={onRetry}
        messages={[
          message({ seq: 1, text: 'hello', moodScore: { valence: 'positive', emotion: 'joy' } }),
          message({ clientId: 'c1', author: 'u_ann', text: 'on its way', status: 'pending' }),
          failed,
        ]}
      />,
    );
    const items = within(screen.getByRole('list', { name: 'Messages' })).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      'u_bob ☺Mood: positive, joyhello',
      'You on its waysending…',
      'You lostnot sent Retry',
    ]);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledWith(failed);
  });
});

describe('following the newest message', () => {
  it('scrolls on each new message, also where scrollIntoView answers a promise (Chromium)', () => {
    const scrolled = vi.fn(() => Promise.resolve());
    Element.prototype.scrollIntoView = scrolled as never;
    const list = (n: number) =>
      Array.from({ length: n }, (_, i) => message({ seq: i + 1, text: `m${i + 1}` }));
    const view = render(<MessageList me="u_ann" onRetry={vi.fn()} messages={list(1)} />);
    view.rerender(<MessageList me="u_ann" onRetry={vi.fn()} messages={list(2)} />);
    view.rerender(<MessageList me="u_ann" onRetry={vi.fn()} messages={list(3)} />);
    expect(screen.getAllByRole('listitem')).toHaveLength(3);
    expect(scrolled).toHaveBeenCalledTimes(3);
  });
});

describe('the message box', () => {
  it('sends on Enter, keeps Shift+Enter as a new line, and clears', async () => {
    const onSend = vi.fn();
    render(<Composer room="r_1" onSend={onSend} />);
    const box = screen.getByRole('textbox', { name: 'Message' });
    await userEvent.type(box, 'two{Shift>}{Enter}{/Shift}lines{Enter}');
    expect(onSend).toHaveBeenCalledWith('two\nlines');
    expect(box).toHaveValue('');
  });

  it('keeps an unsent draft across a reload', async () => {
    const first = render(<Composer room="r_1" onSend={vi.fn()} />);
    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), 'half a thought');
    first.unmount();
    render(<Composer room="r_1" onSend={vi.fn()} />);
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveValue('half a thought');
  });
});
