using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Portal.Core.Sessions.Index;

/// <summary>
/// The session index in its own SQLite file next to the portal database: derived from S3, so it is never migrated,
/// only rebuilt when its schema version changes (ADR 0006). WAL mode lets the pages read while the indexer writes.
/// </summary>
internal sealed class SessionIndex : ISessionIndex
{
    /// <summary>Bumped whenever the schema or what is derived changes; a mismatch rebuilds the index.</summary>
    internal const int SchemaVersion = 8;

    private const int ScanBatch = 64;

    /// <summary>
    /// 16 KiB pages: a transcript's packed lines (about 15 KB) fit one page instead of a chain of four, and the
    /// indexer writes faster than with the default 4 KiB (bench/README.md).
    /// </summary>
    private const int PageSize = 16384;

    /// <summary>The most trigrams one segment is built from (about 128 MB while it is built).</summary>
    private const long SegmentTrigrams = 16_000_000;

    /// <summary>2020-01-01T00:00:00Z: ids count seconds from here.</summary>
    private const long IdEpoch = 1_577_836_800;
    private static readonly TimeSpan ScanBudget = TimeSpan.FromSeconds(2);

    private readonly string _connectionString;
    private readonly object _schemaLock = new();
    private bool _ready;
    private readonly TrigramSegments _segments = new();

    /// <summary>
    /// A text filter matching at most this many sessions is handed to SQL as a list of ids; a larger one is applied
    /// to the rows as SQL hands them out in the list's order, so the first page stops reading once it is full. Tests
    /// set it to compare the two.
    /// </summary>
    internal int InlineIds { get; init; } = 2_000;

    private readonly Lock _catalogLock = new();
    private Task<CommandCatalog>? _catalogLoad;
    private readonly Lock _checkpointLock = new();
    private Task _checkpoint = Task.CompletedTask;

    public SessionIndex(string filePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        FilePath = filePath;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = filePath, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    public string FilePath { get; }

    public async Task<SessionQueryPage> QueryAsync(SessionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, SessionQuery.MaxLimit);

        var matched = string.IsNullOrWhiteSpace(query.Text) ? null : (await CatalogAsync(cancellationToken)).Find(query.Text.Trim());
        var inline = matched is not null && matched.Length <= InlineIds;
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = Filters(command, query.User, query.InstanceId, query.From, query.To, query.Flag, inline ? matched : null, query.Integrity, query.SessionIds);
        var order = query.Sort switch
        {
            SessionSort.User => "s.principal",
            SessionSort.Instance => "s.instance_id",
            SessionSort.Size => "s.size",
            SessionSort.Commands => "s.command_count",
            _ => "s.ended_at",
        };
        var direction = query.Descending ? "DESC" : "ASC";
        if (matched is not null && !inline)
        {
            return await FilterRowsAsync(command, where, $"{order} {direction}, s.id {direction}", matched, query, cancellationToken);
        }

        command.CommandText = $"SELECT count(*) FROM sessions s{where}";
        var total = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        command.CommandText = $"SELECT {SummaryColumns} FROM sessions s{where} ORDER BY {order} {direction}, s.id {direction} LIMIT $limit OFFSET $offset";
        command.Parameters.AddWithValue("$limit", query.Limit);
        command.Parameters.AddWithValue("$offset", query.Offset);
        return new SessionQueryPage(await ReadSummariesAsync(command, cancellationToken), total);
    }

    /// <summary>
    /// A page of a list whose text filter matched many sessions (ascending ids in <paramref name="matched"/>): SQL
    /// hands out the rows the other filters keep, in the list's order, and those the text matched are counted off
    /// here. The total is the matches themselves when no other filter applies, else counted over the kept ids.
    /// </summary>
    private static async Task<SessionQueryPage> FilterRowsAsync(SqliteCommand command, string where, string order, long[] matched, SessionQuery query, CancellationToken cancellationToken)
    {
        int total;
        if (where.Length == 0)
        {
            total = matched.Length;
        }
        else
        {
            total = 0;
            command.CommandText = $"SELECT s.id FROM sessions s{where}";
            await using var ids = await command.ExecuteReaderAsync(cancellationToken);
            while (await ids.ReadAsync(cancellationToken))
            {
                total += Array.BinarySearch(matched, ids.GetInt64(0)) >= 0 ? 1 : 0;
            }
        }

        var items = new List<SessionSummary>(query.Limit);
        command.CommandText = $"SELECT {SummaryColumns}, s.id FROM sessions s{where} ORDER BY {order}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var skip = query.Offset;
        while (items.Count < query.Limit && await reader.ReadAsync(cancellationToken))
        {
            if (Array.BinarySearch(matched, reader.GetInt64(AfterSummary)) < 0)
            {
                continue;
            }

            if (skip > 0)
            {
                skip--;
                continue;
            }

            items.Add(ReadSummary(reader));
        }

        return new SessionQueryPage(items, total);
    }

    /// <summary>
    /// The text filter's catalog, read from the file on first use (a few seconds at 100,000 sessions) and kept
    /// current by every write after that. A write checks for the catalog after it commits: if a read has begun, the
    /// write waits for it and applies itself (which changes nothing if the read saw it); if none has, a later read
    /// finds the write in the file.
    /// </summary>
    private async Task<CommandCatalog> CatalogAsync(CancellationToken cancellationToken)
    {
        Task<CommandCatalog> load;
        lock (_catalogLock)
        {
            load = _catalogLoad ??= LoadCatalogAsync();
        }

        return await load.WaitAsync(cancellationToken);
    }

    /// <summary>Reads the text filter's catalog now, if no one has yet.</summary>
    internal Task WarmTextFilterAsync(CancellationToken cancellationToken) => CatalogAsync(cancellationToken);

    private async Task<CommandCatalog> LoadCatalogAsync()
    {
        try
        {
            // Not the caller's token: others may wait on the same read.
            await using var connection = await OpenAsync(CancellationToken.None);
            await using var snapshot = connection.BeginTransaction(deferred: true); // one snapshot for both reads, no write lock
            return await CommandCatalog.LoadAsync(connection, CancellationToken.None);
        }
        catch
        {
            lock (_catalogLock)
            {
                _catalogLoad = null; // the next list asks again
            }

            throw;
        }
    }

    /// <summary>Applies a write to the catalog, if one has been read or is being read.</summary>
    private async Task UpdateCatalogAsync(IEnumerable<long> removed, IEnumerable<(long Id, IndexedTranscript Transcript)> added)
    {
        Task<CommandCatalog>? load;
        lock (_catalogLock)
        {
            load = _catalogLoad;
        }

        if (load is null)
        {
            return;
        }

        CommandCatalog catalog;
        try
        {
            catalog = await load;
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            return; // that read failed and is forgotten; the next one reads the file as this write left it
        }

        foreach (var id in removed)
        {
            catalog.Remove(id);
        }

        foreach (var (id, transcript) in added)
        {
            catalog.Add(id, CommandCatalog.FoundBy(transcript.Summary.SessionId, transcript.Summary.User, transcript.Summary.InstanceId, transcript.Commands.Select(c => c.Text)));
        }
    }

    public async Task<SessionDetail?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SummaryColumns} FROM sessions s WHERE s.session_id = $id ORDER BY s.ended_at DESC LIMIT 1";
        command.Parameters.AddWithValue("$id", sessionId);
        var found = await ReadSummariesAsync(command, cancellationToken);
        if (found.Count == 0)
        {
            return null;
        }

        command.CommandText = "SELECT c.line, c.row, c.prompt, c.text, c.flags FROM commands c JOIN sessions s ON s.id = c.session WHERE s.key = $key ORDER BY c.line";
        command.Parameters.AddWithValue("$key", found[0].Key);
        var commands = new List<SessionCommand>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            commands.Add(new SessionCommand(reader.GetInt32(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), SplitFlags(reader.GetString(4))));
        }

        return new SessionDetail(found[0], commands);
    }

    public async Task<SearchPage> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = request.Query;
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new ArgumentException("Type something to search for.", nameof(request));
        }

        if (query.Length > SearchRequest.MaxQueryLength)
        {
            throw new ArgumentException($"A search is at most {SearchRequest.MaxQueryLength} characters.", nameof(request));
        }

        if (query.Contains('\n', StringComparison.Ordinal) || query.Contains('\r', StringComparison.Ordinal))
        {
            throw new ArgumentException("A search finds text within one line; leave out line breaks.", nameof(request));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(request.Offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(request.Limit, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.LinesPerSession, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(request.LinesPerSession, 20);

        var values = Trigrams.QueryValues(query);
        var folded = Trigrams.Fold(query);
        var user = string.IsNullOrWhiteSpace(request.User) ? null : request.User.Trim();
        var page = new SearchCollector(request, folded, user, request.Offset);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        if (values is null)
        {
            // Shorter than a trigram: sessions newest first (ids order by end time), in batches; the offset counts
            // sessions walked, so a page can go on where the last one stopped.
            command.CommandText = $"SELECT {SummaryColumns}, t.lines FROM sessions s JOIN session_text t ON t.session = s.id ORDER BY s.id DESC LIMIT $batch OFFSET $offset";
            command.Parameters.AddWithValue("$batch", ScanBatch * 4);
            var at = command.Parameters.Add("$offset", SqliteType.Integer);
            while (true)
            {
                at.Value = page.Offset;
                var rows = 0;
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        rows++;
                        if (page.Walk(reader))
                        {
                            return page.Result(more: true, usedIndex: false);
                        }
                    }
                }

                if (rows < ScanBatch * 4 || page.OverBudget)
                {
                    return page.Result(more: rows == ScanBatch * 4, usedIndex: false);
                }
            }
        }

        // Candidates hold every trigram of the query, newest first; each is confirmed in its stored lines. The
        // offset counts candidates walked.
        command.CommandText = $"SELECT {SummaryColumns}, t.lines FROM sessions s JOIN session_text t ON t.session = s.id WHERE s.id = $id";
        var id = command.Parameters.Add("$id", SqliteType.Integer);
        var skipped = 0;
        await foreach (var candidate in _segments.CandidatesAsync(connection, values, GramSignature.QueryRows(query), cancellationToken))
        {
            if (skipped++ < request.Offset)
            {
                continue;
            }

            id.Value = candidate;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                page.Skip(); // Deleted or replaced since its segment was written.
            }
            else if (page.Walk(reader))
            {
                return page.Result(more: true, usedIndex: true);
            }

            if (page.OverBudget)
            {
                return page.Result(more: true, usedIndex: true);
            }
        }

        return page.Result(more: false, usedIndex: true);
    }

    /// <summary>
    /// Walks sessions for one search page: applies the user filter, confirms each in its lines, and stops at the
    /// page size or, checking candidates being bounded in time, at <see cref="ScanBudget"/>: a query whose trigrams
    /// are everywhere (digits, say) returns what it found so far and where to go on, never an empty page after a
    /// long wait.
    /// </summary>
    private sealed class SearchCollector(SearchRequest request, string folded, string? user, int offset)
    {
        private readonly List<SearchHit> _hits = new(request.Limit);
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        // An ASCII query is first looked for in each candidate's decompressed bytes (vectorised), before any decoding.
        private readonly SearchValues<string>? _asciiQuery = System.Text.Ascii.IsValid(request.Query) ? SearchValues.Create([request.Query], StringComparison.OrdinalIgnoreCase) : null;
        private int _scanned;
        private int _walked;

        public int Offset => offset + _walked;

        public bool OverBudget => _clock.Elapsed > ScanBudget;

        public void Skip() => _walked++;

        /// <summary>Takes one session row; true once the page is full.</summary>
        public bool Walk(SqliteDataReader reader)
        {
            _walked++;
            if (user is not null && !string.Equals(reader.GetString(2), user, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            _scanned++;
            if (Verify(reader, request.Query, folded, _asciiQuery, request.LinesPerSession) is { } hit)
            {
                _hits.Add(hit);
            }

            return _hits.Count == request.Limit;
        }

        public SearchPage Result(bool more, bool usedIndex) => new(request.Query, _hits, more ? Offset : null, usedIndex, _scanned);
    }

    public async Task<SessionStatistics> StatisticsAsync(DateTimeOffset now, int days = 30, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(days, 366);
        var lastDay = DateOnly.FromDateTime(now.UtcDateTime);
        var firstDay = lastDay.AddDays(1 - days);
        var from = new DateTimeOffset(firstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("$from", from);
        command.CommandText = "SELECT s.ended_at / 86400000, count(*) FROM sessions s WHERE s.ended_at >= $from GROUP BY 1";
        var counts = new Dictionary<long, int>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[reader.GetInt64(0)] = reader.GetInt32(1);
            }
        }

        var perDay = Enumerable.Range(0, days)
            .Select(i => firstDay.AddDays(i))
            .Select(day => (day, counts.GetValueOrDefault(day.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber)))
            .ToList();

        var topUsers = await TopAsync(command, "s.principal", cancellationToken);
        var topInstances = await TopAsync(command, "s.instance_id", cancellationToken);

        command.CommandText = $"SELECT {SummaryColumns} FROM sessions s WHERE s.flags <> '' ORDER BY s.ended_at DESC, s.id DESC LIMIT 10";
        var flagged = await ReadSummariesAsync(command, cancellationToken);

        command.CommandText = "SELECT count(*) FROM sessions";
        var total = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        return new SessionStatistics(perDay, topUsers, topInstances, flagged, total);
    }

    public async Task<(IReadOnlyList<string> Users, IReadOnlyList<string> Instances)> FacetsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return (await DistinctAsync(connection, "principal", cancellationToken), await DistinctAsync(connection, "instance_id", cancellationToken));
    }

    /// <summary>Every object the index holds, by key, with the ETag and size it was indexed at.</summary>
    internal async Task<Dictionary<string, (string? ETag, long Size, int Versions)>> KnownObjectsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, etag, size, versions FROM sessions";
        var known = new Dictionary<string, (string?, long, int)>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            known[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3));
        }

        return known;
    }

    /// <summary>How many sessions the index holds.</summary>
    internal async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sessions";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>Writes transcripts (new or changed) in one transaction.</summary>
    internal async Task WriteAsync(IReadOnlyList<IndexedTranscript> transcripts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transcripts);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        // A session's id orders it by end time (newest highest), so the full-text index hands out candidates newest
        // first without sorting them: ORDER BY rowid DESC walks its posting lists backwards.
        await using var find = Prepared(connection, "SELECT id FROM sessions WHERE key = $key", "$key");
        await using var taken = Prepared(connection, "SELECT count(*) FROM sessions WHERE id = $id", "$id");
        await using var delete = Prepared(connection, DeleteSql, "$id");
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO sessions (id, session_id, key, principal, owner, instance_id, started_at, ended_at, size, etag, last_modified, command_count, flags, title, truncated, error, integrity, versions)
            VALUES ($id, $session_id, $key, $principal, $owner, $instance_id, $started_at, $ended_at, $size, $etag, $last_modified, $command_count, $flags, $title, $truncated, $error, $integrity, $versions)
            """;
        await using var addCommand = Prepared(connection, "INSERT INTO commands (session, line, row, prompt, text, flags) VALUES ($id, $line, $row, $prompt, $text, $flags)", "$id", "$line", "$row", "$prompt", "$text", "$flags");
        await using var addFlag = Prepared(connection, "INSERT OR IGNORE INTO session_flags (flag, session) VALUES ($flag, $id)", "$flag", "$id");
        await using var addText = Prepared(connection, "INSERT INTO session_text (session, lines) VALUES ($id, $lines)", "$id", "$lines");

        // First the ids (replacing what a key had before), then the rows in ascending id order, as the trigram
        // segments want them.
        var ordered = new List<(long Id, IndexedTranscript Transcript)>(transcripts.Count);
        var replaced = new List<long>();
        var batchIds = new HashSet<long>();
        foreach (var transcript in transcripts)
        {
            find.Parameters[0].Value = transcript.Summary.Key;
            if (await find.ExecuteScalarAsync(cancellationToken) is long previous)
            {
                await RunAsync(delete, cancellationToken, previous);
                replaced.Add(previous);
            }

            // Seconds since 2020 times 16, plus a little of the key: ordered by end time, and close together, so
            // the gaps the full-text index stores between ids take one or two bytes, not five.
            var seconds = Math.Max(0, (transcript.Summary.EndedAt?.ToUnixTimeSeconds() ?? 0) - IdEpoch);
            var id = (seconds * 16) + (StableHash(transcript.Summary.Key) & 15);
            while (true)
            {
                taken.Parameters[0].Value = id;
                if (!batchIds.Contains(id) && Convert.ToInt64(await taken.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
                {
                    break;
                }

                id++;
            }

            batchIds.Add(id);
            ordered.Add((id, transcript));
        }

        ordered.Sort((a, b) => a.Id.CompareTo(b.Id));

        // The batch's trigram segments are built on another core while this one writes the rows.
        var segments = Task.Run(() => BuildSegments(ordered), cancellationToken);
        foreach (var (id, transcript) in ordered)
        {
            var s = transcript.Summary;
            var upsert = insert;
            upsert.Parameters.Clear();
            upsert.Parameters.AddWithValue("$id", id);
            upsert.Parameters.AddWithValue("$session_id", s.SessionId);
            upsert.Parameters.AddWithValue("$key", s.Key);
            upsert.Parameters.AddWithValue("$principal", s.User);
            upsert.Parameters.AddWithValue("$owner", (object?)s.Owner ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$instance_id", (object?)s.InstanceId ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$started_at", (object?)s.StartedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$ended_at", (object?)s.EndedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$size", s.Size);
            upsert.Parameters.AddWithValue("$etag", (object?)s.ETag ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$last_modified", (object?)s.LastModified?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$command_count", s.CommandCount);
            upsert.Parameters.AddWithValue("$flags", JoinFlags(s.Flags));
            upsert.Parameters.AddWithValue("$title", (object?)s.Title ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$truncated", s.Truncated);
            upsert.Parameters.AddWithValue("$error", (object?)s.Error ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$integrity", IntegrityName(s.Integrity));
            upsert.Parameters.AddWithValue("$versions", s.Versions);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
            foreach (var c in transcript.Commands)
            {
                await RunAsync(addCommand, cancellationToken, id, c.Line, c.Row, c.Prompt, c.Text, JoinFlags(c.Flags));
            }

            foreach (var flag in s.Flags)
            {
                await RunAsync(addFlag, cancellationToken, flag, id);
            }

            if (transcript.Lines.Length > 0)
            {
                await RunAsync(addText, cancellationToken, id, transcript.Lines);
            }
        }

        foreach (var segment in await segments)
        {
            await TrigramSegments.InsertAsync(connection, segment, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        await UpdateCatalogAsync(replaced, ordered);
        await _segments.CompactAsync(connection, cancellationToken);
        CheckpointSoon();
    }

    /// <summary>
    /// The batch's sessions with trigrams, as segments of at most <see cref="TrigramSegments.MaxSegment"/> sessions
    /// and <see cref="SegmentTrigrams"/> trigrams (a batch of huge transcripts makes several, bounding the memory).
    /// </summary>
    private static List<TrigramSegments.Segment> BuildSegments(List<(long Id, IndexedTranscript Transcript)> ordered)
    {
        var built = new List<TrigramSegments.Segment>();
        var chunk = new List<(long, ulong[], ulong[])>();
        var size = 0L;
        foreach (var (id, transcript) in ordered)
        {
            if (transcript.Trigrams.Length == 0)
            {
                continue;
            }

            if (chunk.Count > 0 && (chunk.Count == TrigramSegments.MaxSegment || size + transcript.Trigrams.Length > SegmentTrigrams))
            {
                built.Add(TrigramSegments.Build(chunk));
                chunk.Clear();
                size = 0;
            }

            chunk.Add((id, transcript.Trigrams, transcript.Grams));
            size += transcript.Trigrams.Length;
        }

        if (chunk.Count > 0)
        {
            built.Add(TrigramSegments.Build(chunk));
        }

        return built;
    }

    /// <summary>Forgets objects that are gone from the bucket.</summary>
    internal async Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var find = Prepared(connection, "SELECT id FROM sessions WHERE key = $key", "$key");
        await using var delete = Prepared(connection, DeleteSql, "$id");
        var deleted = new List<long>();
        foreach (var key in keys)
        {
            find.Parameters[0].Value = key;
            if (await find.ExecuteScalarAsync(cancellationToken) is long id)
            {
                await RunAsync(delete, cancellationToken, id);
                deleted.Add(id);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        await UpdateCatalogAsync(deleted, []);
        CheckpointSoon();
    }

    /// <summary>Empties the index, as when the bucket or prefix changes or an Admin asks for a rebuild.</summary>
    internal async Task ClearAsync(string source, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            DELETE FROM commands; DELETE FROM session_flags; DELETE FROM session_text;
            DELETE FROM trigram_segments; DELETE FROM trigram_blocks; DELETE FROM gram_blocks; DELETE FROM sessions;
            INSERT INTO meta (name, value) VALUES ('source', $source) ON CONFLICT (name) DO UPDATE SET value = excluded.value;
            """;
        command.Parameters.AddWithValue("$source", source);
        await command.ExecuteNonQueryAsync(cancellationToken);
        _segments.Reset();
        lock (_catalogLock)
        {
            _catalogLoad = null;
        }
        CheckpointSoon();
    }

    /// <summary>The bucket and prefix the index was built from, if any.</summary>
    internal async Task<string?> SourceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE name = 'source'";
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }


    private const string DeleteSql = """
        DELETE FROM commands WHERE session = $id;
        DELETE FROM session_flags WHERE session = $id;
        DELETE FROM session_text WHERE session = $id;
        DELETE FROM sessions WHERE id = $id;
        """;

    /// <summary>A hash of a key that is the same in every process (string.GetHashCode is not).</summary>
    private static long StableHash(string key)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return (long)(hash >> 1);
    }

    private const string SummaryColumns =
        "s.session_id, s.key, s.principal, s.instance_id, s.started_at, s.ended_at, s.size, s.etag, s.last_modified, s.command_count, s.flags, s.title, s.truncated, s.error, s.owner, s.integrity, s.versions";

    /// <summary>The column after <see cref="SummaryColumns"/>.</summary>
    private const int AfterSummary = 17;

    internal static string IntegrityName(TranscriptIntegrity integrity) => integrity switch
    {
        TranscriptIntegrity.Modified => "modified",
        TranscriptIntegrity.Truncated => "truncated",
        _ => "intact",
    };

    private static TranscriptIntegrity IntegrityOf(string name) => name switch
    {
        "modified" => TranscriptIntegrity.Modified,
        "truncated" => TranscriptIntegrity.Truncated,
        _ => TranscriptIntegrity.Intact,
    };

    private static SessionSummary ReadSummary(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.IsDBNull(14) ? null : reader.GetString(14),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        reader.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        reader.GetInt64(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
        reader.GetInt32(9),
        SplitFlags(reader.GetString(10)),
        reader.IsDBNull(11) ? null : reader.GetString(11),
        reader.GetBoolean(12),
        reader.IsDBNull(13) ? null : reader.GetString(13),
        IntegrityOf(reader.GetString(15)),
        reader.GetInt32(16));

    private static async Task<List<SessionSummary>> ReadSummariesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var items = new List<SessionSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ReadSummary(reader));
        }

        return items;
    }

    /// <summary>Confirms a candidate: finds the folded query in its lines and keeps the first few with context.</summary>
    private static SearchHit? Verify(SqliteDataReader reader, string query, string folded, SearchValues<string>? asciiQuery, int keep)
    {
        PackedLines lines;
        try
        {
            using var raw = LinePack.Decompress((byte[])reader.GetValue(AfterSummary));
            if (asciiQuery is not null && !raw.MayContain(asciiQuery))
            {
                return null; // not in its bytes: nothing to decode
            }

            lines = LinePack.Unpack(raw);
        }
        catch (InvalidDataException)
        {
            return null;
        }

        // ASCII queries compare case-insensitively in place (vectorised); others compare folded copies, as the
        // trigrams were folded.
        var length = query.Length;
        var ascii = asciiQuery is not null;
        var all = ascii ? lines.All : Trigrams.Fold(lines.All);
        var needle = ascii ? query : folded;
        var comparison = ascii ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var found = new List<SearchLine>(keep);
        var count = 0;
        var at = all.IndexOf(needle, comparison);
        while (at >= 0)
        {
            var line = lines.LineAt(at);
            count++;
            if (found.Count < keep)
            {
                found.Add(new SearchLine(
                    line,
                    lines.FirstRow(line),
                    line > 0 ? lines.Text(line - 1) : null,
                    lines.Text(line),
                    line + 1 < lines.Count ? lines.Text(line + 1) : null,
                    at - lines.Start(line),
                    length));
            }

            // Count each line once, then look on the next line.
            var next = line + 1 < lines.Count ? lines.Start(line + 1) : all.Length;
            at = next < all.Length ? all.IndexOf(needle, next, comparison) : -1;
        }

        return count == 0 ? null : new SearchHit(ReadSummary(reader), found, count);
    }

    private static async Task<List<(string, int)>> TopAsync(SqliteCommand command, string column, CancellationToken cancellationToken)
    {
        command.CommandText = $"SELECT {column}, count(*) AS n FROM sessions s WHERE s.ended_at >= $from AND {column} IS NOT NULL GROUP BY {column} ORDER BY n DESC, {column} LIMIT 5";
        var top = new List<(string, int)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            top.Add((reader.GetString(0), reader.GetInt32(1)));
        }

        return top;
    }

    private static async Task<List<string>> DistinctAsync(SqliteConnection connection, string column, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT DISTINCT {column} FROM sessions WHERE {column} IS NOT NULL ORDER BY {column} LIMIT 1000";
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    /// <summary>The WHERE clause for the list's filters, with its parameters added to <paramref name="command"/>.</summary>
    private static string Filters(SqliteCommand command, string? user, string? instanceId, DateTimeOffset? from, DateTimeOffset? to, string? flag, IReadOnlyCollection<long>? textIds, TranscriptIntegrity? integrity, IReadOnlyCollection<string>? sessionIds = null)
    {
        var conditions = new List<string>();
        if (sessionIds is not null)
        {
            // One parameter however many: SQLite reads the list as JSON.
            conditions.Add("s.session_id IN (SELECT value FROM json_each($ids))");
            command.Parameters.AddWithValue("$ids", System.Text.Json.JsonSerializer.Serialize(sessionIds));
        }

        if (integrity is { } wanted)
        {
            conditions.Add("s.integrity = $integrity");
            command.Parameters.AddWithValue("$integrity", IntegrityName(wanted));
        }

        if (!string.IsNullOrWhiteSpace(user))
        {
            conditions.Add("s.principal = $user COLLATE NOCASE");
            command.Parameters.AddWithValue("$user", user.Trim());
        }

        if (!string.IsNullOrWhiteSpace(instanceId))
        {
            conditions.Add("s.instance_id = $instance");
            command.Parameters.AddWithValue("$instance", instanceId.Trim());
        }

        if (from is { } start)
        {
            conditions.Add("s.ended_at >= $from");
            command.Parameters.AddWithValue("$from", start.ToUnixTimeMilliseconds());
        }

        if (to is { } end)
        {
            conditions.Add("s.ended_at < $to");
            command.Parameters.AddWithValue("$to", end.ToUnixTimeMilliseconds());
        }

        if (!string.IsNullOrWhiteSpace(flag))
        {
            conditions.Add("s.id IN (SELECT session FROM session_flags WHERE flag = $flag)");
            command.Parameters.AddWithValue("$flag", flag);
        }

        if (textIds is not null)
        {
            // The sessions the text filter matched (few: CommandCatalog); one parameter, read by SQLite as JSON.
            conditions.Add("s.id IN (SELECT value FROM json_each($textIds))");
            command.Parameters.AddWithValue("$textIds", System.Text.Json.JsonSerializer.Serialize(textIds));
        }

        return conditions.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", conditions);
    }


    private static string JoinFlags(IReadOnlyList<string> flags) => string.Join('\u001f', flags);

    private static string[] SplitFlags(string flags) => flags.Length == 0 ? [] : flags.Split('\u001f');

    private static SqliteCommand Prepared(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(name, SqliteType.Text);
        }

        return command;
    }

    private static async Task RunAsync(SqliteCommand command, CancellationToken cancellationToken, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Starts a passive checkpoint on another connection unless one is running: the write-ahead log is copied into
    /// the file while the writer goes on, and a checkpoint that cannot finish (readers, a busy writer) is retried
    /// after the next commit. One that fails leaves the log to the next.
    /// </summary>
    private void CheckpointSoon()
    {
        lock (_checkpointLock)
        {
            if (!_checkpoint.IsCompleted)
            {
                return;
            }

            _checkpoint = Task.Run(async () =>
            {
                try
                {
                    await using var connection = await OpenAsync(CancellationToken.None);
                    await using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    await command.ExecuteNonQueryAsync();
                }
                catch (SqliteException)
                {
                    // The next commit starts another.
                }
            });
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        EnsureSchema();
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        // Checkpoints run beside the writer (see CheckpointSoon), not in its commits: copying the log into the file
        // and syncing it took a third of the indexer's time.
        pragma.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 0;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private void EnsureSchema()
    {
        if (_ready)
        {
            return;
        }

        lock (_schemaLock)
        {
            if (_ready)
            {
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(FilePath))!);
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version";
            var version = Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (version != SchemaVersion)
            {
                // Derived data: an index of another version is dropped and rebuilt from S3, never migrated.
                command.CommandText = """
                    DROP TABLE IF EXISTS commands; DROP TABLE IF EXISTS session_flags; DROP TABLE IF EXISTS session_text;
                    DROP TABLE IF EXISTS line_trigrams; DROP TABLE IF EXISTS command_text; DROP TABLE IF EXISTS sessions;
                    DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS stop_trigrams; DROP TABLE IF EXISTS trigram_segments;
                    DROP TABLE IF EXISTS trigram_blocks; DROP TABLE IF EXISTS gram_blocks;
                    """;
                command.ExecuteNonQuery();
                if (version != 0)
                {
                    // The page size changes only outside WAL mode and by a rewrite, cheap once the tables are gone.
                    // It needs the file to itself: if another connection holds it, the old page size stays.
                    try
                    {
                        command.CommandText = $"PRAGMA journal_mode = DELETE; PRAGMA page_size = {PageSize}; VACUUM;";
                        command.CommandTimeout = 1;
                        command.ExecuteNonQuery();
                    }
                    catch (SqliteException)
                    {
                        // Slower to write, as correct.
                    }

                    command.CommandTimeout = 30;
                }

                command.CommandText = Schema;
                command.ExecuteNonQuery();
            }

            _ready = true;
        }
    }

    private static readonly string Schema = new StringBuilder()
        .Append(CultureInfo.InvariantCulture, $"PRAGMA page_size = {PageSize}; PRAGMA journal_mode = WAL;")
        .Append("""
            CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE sessions (
                id INTEGER PRIMARY KEY,
                session_id TEXT NOT NULL,
                key TEXT NOT NULL UNIQUE,
                principal TEXT NOT NULL,
                owner TEXT,
                instance_id TEXT,
                started_at INTEGER,
                ended_at INTEGER,
                size INTEGER NOT NULL,
                etag TEXT,
                last_modified INTEGER,
                command_count INTEGER NOT NULL,
                flags TEXT NOT NULL,
                title TEXT,
                truncated INTEGER NOT NULL,
                error TEXT,
                integrity TEXT NOT NULL,
                versions INTEGER NOT NULL);
            CREATE INDEX ix_sessions_session_id ON sessions (session_id);
            CREATE INDEX ix_sessions_ended ON sessions (ended_at, id);
            CREATE INDEX ix_sessions_principal ON sessions (principal COLLATE NOCASE, ended_at);
            CREATE INDEX ix_sessions_instance ON sessions (instance_id, ended_at);
            CREATE INDEX ix_sessions_integrity ON sessions (integrity, ended_at);
            CREATE TABLE commands (session INTEGER NOT NULL, line INTEGER NOT NULL, row INTEGER NOT NULL, prompt TEXT NOT NULL, text TEXT NOT NULL, flags TEXT NOT NULL, PRIMARY KEY (session, line)) WITHOUT ROWID;
            CREATE TABLE session_flags (flag TEXT NOT NULL, session INTEGER NOT NULL, PRIMARY KEY (flag, session)) WITHOUT ROWID;
            CREATE TABLE session_text (session INTEGER PRIMARY KEY, lines BLOB NOT NULL);
            """)
        .Append(TrigramSegments.Schema)
        .Append(CultureInfo.InvariantCulture, $"PRAGMA user_version = {SchemaVersion};")
        .ToString();
}
