using System.Buffers;
using System.Numerics;
using Microsoft.Data.Sqlite;

namespace Portal.Core.Sessions.Index;

/// <summary>
/// What the sessions list's text filter looks in, held in memory (ADR 0023): every distinct string a session can be
/// found by (each command typed, its id, its user, its instance), each with the sessions that have it. People type
/// the same commands over and over: 100,000 generated sessions hold 3 million commands but 146,000 distinct ones, so
/// a filter looks for its text in each distinct string once (vectorised) and ORs the sessions of those that hold it
/// into a bitmap, in milliseconds, where the full-text index took 100 ms to match a common phrase such as
/// <c>tail -n</c> in nearly every session. Built from the index file on first use; kept current by the writes.
/// </summary>
internal sealed class CommandCatalog
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal);
    private readonly List<string> _texts = [];
    private readonly List<Posting> _postings = [];
    private readonly Dictionary<long, int> _ordinals = [];
    private readonly List<long> _ids = [];
    private ulong[] _live = [];

    /// <summary>
    /// The catalog of an index file as it stands: each session's own strings, then its commands in the order the
    /// table keeps them (by session), so only one session's commands are held at a time.
    /// </summary>
    public static async Task<CommandCatalog> LoadAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var catalog = new CommandCatalog();
        var own = new Dictionary<long, (string SessionId, string User, string? Instance)>();
        await using (var sessions = connection.CreateCommand())
        {
            sessions.CommandText = "SELECT id, session_id, principal, instance_id FROM sessions";
            await using var reader = await sessions.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                own[reader.GetInt64(0)] = (reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
            }
        }

        await using (var commands = connection.CreateCommand())
        {
            commands.CommandText = "SELECT session, text FROM commands ORDER BY session";
            await using var reader = await commands.ExecuteReaderAsync(cancellationToken);
            var (current, typed) = (-1L, new List<string>());
            while (await reader.ReadAsync(cancellationToken))
            {
                var session = reader.GetInt64(0);
                if (session != current)
                {
                    Flush(current, typed);
                    (current, typed) = (session, []);
                }

                typed.Add(reader.GetString(1));
            }

            Flush(current, typed);
        }

        foreach (var (id, (sessionId, user, instance)) in own)
        {
            catalog.Add(id, FoundBy(sessionId, user, instance, [])); // sessions without a command
        }

        foreach (var posting in catalog._postings)
        {
            posting.Trim();
        }

        return catalog;

        void Flush(long session, List<string> typed)
        {
            if (own.Remove(session, out var found))
            {
                catalog.Add(session, FoundBy(found.SessionId, found.User, found.Instance, typed));
            }
        }
    }

    /// <summary>What the list's text filter finds a session by: its id, user and instance, and every command typed.</summary>
    public static IEnumerable<string> FoundBy(string sessionId, string user, string? instance, IEnumerable<string> commands)
    {
        yield return sessionId;
        yield return user;
        if (instance is not null)
        {
            yield return instance;
        }

        foreach (var command in commands)
        {
            yield return command;
        }
    }

    /// <summary>
    /// Adds a session by the strings it can be found by. Adding a session the catalog holds again adds nothing new
    /// (a write that raced the first read); a session removed and added again (an id reused) gets a new ordinal, so
    /// what it was found by before is not carried over.
    /// </summary>
    public void Add(long id, IEnumerable<string> strings)
    {
        ArgumentNullException.ThrowIfNull(strings);
        lock (_lock)
        {
            if (!_ordinals.TryGetValue(id, out var ordinal) || !IsLive(ordinal))
            {
                ordinal = _ids.Count;
                _ordinals[id] = ordinal;
                _ids.Add(id);
                if (ordinal / 64 >= _live.Length)
                {
                    Array.Resize(ref _live, Math.Max(16, _live.Length * 2));
                }

                _live[ordinal / 64] |= 1UL << (ordinal % 64);
            }

            foreach (var text in strings)
            {
                if (string.IsNullOrEmpty(text))
                {
                    continue;
                }

                if (!_strings.TryGetValue(text, out var index))
                {
                    index = _texts.Count;
                    _strings[text] = index;
                    _texts.Add(text);
                    _postings.Add(new Posting());
                }

                _postings[index].Add(ordinal);
            }
        }
    }

    /// <summary>
    /// Forgets a session (deleted, or replaced under a new id). Its ordinal stays in the postings, masked out: a
    /// search never sees it, and the catalog is read afresh when the process starts again.
    /// </summary>
    public void Remove(long id)
    {
        lock (_lock)
        {
            if (_ordinals.Remove(id, out var ordinal))
            {
                _live[ordinal / 64] &= ~(1UL << (ordinal % 64));
            }
        }
    }

    /// <summary>
    /// The ids of the sessions with a string that holds <paramref name="text"/>, ignoring case, ascending.
    /// </summary>
    public long[] Find(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var ascii = System.Text.Ascii.IsValid(text) ? SearchValues.Create([text], StringComparison.OrdinalIgnoreCase) : null;
        lock (_lock)
        {
            var found = new ulong[_live.Length];
            for (var i = 0; i < _texts.Count; i++)
            {
                var holds = ascii is not null
                    ? _texts[i].AsSpan().IndexOfAny(ascii) >= 0
                    : _texts[i].Contains(text, StringComparison.OrdinalIgnoreCase);
                if (holds)
                {
                    _postings[i].Or(found);
                }
            }

            var count = 0;
            for (var w = 0; w < found.Length; w++)
            {
                count += BitOperations.PopCount(found[w] &= _live[w]);
            }

            var ids = new long[count];
            var at = 0;
            for (var w = 0; w < found.Length; w++)
            {
                var word = found[w];
                while (word != 0)
                {
                    ids[at++] = _ids[(w * 64) + BitOperations.TrailingZeroCount(word)];
                    word &= word - 1;
                }
            }

            Array.Sort(ids);
            return ids;
        }
    }

    private bool IsLive(int ordinal) => (_live[ordinal / 64] & (1UL << (ordinal % 64))) != 0;

    /// <summary>The ordinals of the sessions that have one string: a growing sorted list, as ordinals are handed out in order.</summary>
    private sealed class Posting
    {
        private int[] _ordinals = new int[1];
        private int _count;

        /// <summary>Adds an ordinal, once (a command typed twice is one entry).</summary>
        public void Add(int ordinal)
        {
            if (_count > 0 && _ordinals[_count - 1] >= ordinal)
            {
                var at = Array.BinarySearch(_ordinals, 0, _count, ordinal);
                if (at < 0)
                {
                    Insert(~at, ordinal);
                }

                return;
            }

            Insert(_count, ordinal);
        }

        /// <summary>Gives back the room a growing list kept spare.</summary>
        public void Trim() => Array.Resize(ref _ordinals, Math.Max(1, _count));

        public void Or(ulong[] bits)
        {
            foreach (var ordinal in _ordinals.AsSpan(0, _count))
            {
                bits[ordinal >> 6] |= 1UL << (ordinal & 63);
            }
        }

        private void Insert(int at, int ordinal)
        {
            if (_count == _ordinals.Length)
            {
                Array.Resize(ref _ordinals, _ordinals.Length * 2);
            }

            Array.Copy(_ordinals, at, _ordinals, at + 1, _count - at);
            _ordinals[at] = ordinal;
            _count++;
        }
    }
}
