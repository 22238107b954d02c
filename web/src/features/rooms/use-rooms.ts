import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSession } from '../auth/session-context';

export function useRooms() {
  const session = useSession();
  return useQuery({ queryKey: ['rooms'], queryFn: () => session.call((c) => c.rooms()) });
}

export function useCreateRoom() {
  const session = useSession();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ name, visibility }: { name: string; visibility: 'public' | 'private' }) =>
      session.call((c) => c.createRoom(name, { visibility })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['rooms'] }),
  });
}

/** Room ids as the API writes them; a pasted link keeps its last path segment. */
export function roomIdFrom(input: string): string | undefined {
  const id = input.trim().split('/').filter(Boolean).at(-1) ?? '';
  return /^[A-Za-z0-9_-]{1,100}$/.test(id) ? id : undefined;
}
