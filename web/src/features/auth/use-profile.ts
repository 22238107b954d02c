import { useQuery } from '@tanstack/react-query';
import { useSession } from './session-context';
import type { Profile } from './session';

/** Who is signed in (the profile from sign-up, else GET /me). */
export function useProfile() {
  const session = useSession();
  const known = session.state.status === 'signed-in' ? session.state.profile : undefined;
  return useQuery({
    queryKey: ['me'],
    queryFn: () => session.call((c) => c.api<Profile>('GET', '/me')),
    ...(known ? { initialData: known } : {}),
    staleTime: 5 * 60_000,
  });
}
