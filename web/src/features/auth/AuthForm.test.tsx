import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { vi } from 'vitest';
import { AuthForm } from './AuthForm';

describe('the sign-up form', () => {
  it('hands over what a person typed into the labelled fields', async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    render(<AuthForm mode="sign-up" onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText('Your name'), 'Ann');
    await userEvent.type(screen.getByLabelText('Email'), 'ann@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Create an account' }));
    expect(onSubmit).toHaveBeenCalledWith({
      displayName: 'Ann',
      email: 'ann@example.com',
      password: 'correct horse',
    });
  });

  it('shows why signing in failed and lets the person try again', async () => {
    const onSubmit = vi.fn().mockRejectedValue(new Error('wrong email or password'));
    render(<AuthForm mode="sign-in" onSubmit={onSubmit} notice="Your session ended. Sign in again." />);
    expect(screen.getByRole('status')).toHaveTextContent('Your session ended');
    expect(screen.queryByLabelText('Your name')).toBeNull();
    await userEvent.type(screen.getByLabelText('Email'), 'ann@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'not the one');
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('wrong email or password');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  });
});
