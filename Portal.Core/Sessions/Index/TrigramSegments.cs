using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Portal.Core.Sessions.Index;

/// <summary>
/// The line-trigram index: immutable segments, one per write batch, each holding its sessions' ids, their distinct
/// trigrams sorted, and per trigram the sessions that have it, as a bitmap or a delta list, whichever is smaller.
/// A segment is written once, so indexing never merges (FTS5 re-merged its segments after every flush, and that was
/// most of the indexer's time). Its terms are stored in blocks of <see cref="FenceStride"/>, one row each with their
/// postings, and the first term of every block is kept in memory: a lookup reads one row of a few kilobytes. Small
/// segments, which quiet periods of polling leave, are merged now and then (ADR 0006). Beside the trigrams, a segment
/// keeps its sessions' <see cref="GramSignature"/>s transposed: per row, the sessions whose six-character windows
/// hit it, as a bitmap, in blocks of <see cref="GramRowsPerBlock"/> rows; a block no session hits is not stored
/// (ADR 0023).
/// </summary>
internal sealed class TrigramSegments
{
    /// <summary>Terms per block: a lookup reads one block, this many 12-byte entries and their postings.</summary>
    internal const int FenceStride = 64;

    /// <summary>A block's row id is its segment's id shifted by this, plus the block's number.</summary>
    private const int BlockBits = 24;

    /// <summary>Segments of fewer sessions count as small; once there are more than <see cref="MaxSmall"/>, they are merged.</summary>
    internal const int SmallSegment = 64;

    internal const int MaxSmall = 16;

    /// <summary>The most sessions a merged segment holds.</summary>
    internal const int MaxSegment = 512;

    /// <summary>
    /// Signature rows per stored block: 4,032 bytes for a segment of 512 sessions, so that four blocks fill a 16 KiB
    /// page (blocks of 64 rows, 4,096 bytes, fit three to a page and left a quarter of it empty).
    /// </summary>
    internal const int GramRowsPerBlock = 63;

    private const int EntryBytes = 12;
    private const byte ListPosting = 1;
    private const byte BitmapPosting = 0;

    private readonly ConcurrentDictionary<long, Header> _headers = new();

    /// <summary>The table's definition, part of the index schema.</summary>
    internal const string Schema = """
        CREATE TABLE trigram_segments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            max_session INTEGER NOT NULL,
            sessions INTEGER NOT NULL,
            ids BLOB NOT NULL,
            fences BLOB NOT NULL);
        CREATE INDEX ix_trigram_segments_max ON trigram_segments (max_session);
        CREATE TABLE trigram_blocks (id INTEGER PRIMARY KEY, terms BLOB NOT NULL, postings BLOB NOT NULL);
        CREATE TABLE gram_blocks (id INTEGER PRIMARY KEY, bits BLOB NOT NULL);
        """;

    /// <summary>
    /// Builds a segment from sessions in ascending id order, each with its distinct trigrams and its signature (a
    /// <see cref="GramSignature"/> bitmap, or empty). Pure CPU work, so the writer runs it beside its SQL.
    /// </summary>
    public static Segment Build(IReadOnlyList<(long Id, ulong[] Trigrams, ulong[] Grams)> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentOutOfRangeException.ThrowIfZero(documents.Count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(documents.Count, ushort.MaxValue);
        var total = 0L;
        for (var d = 0; d < documents.Count; d++)
        {
            if (d > 0 && documents[d].Id <= documents[d - 1].Id)
            {
                throw new ArgumentException("Sessions must come in ascending id order.", nameof(documents));
            }

            total += documents[d].Trigrams.Length;
        }

        // One hash pass maps every trigram to a term number and counts its sessions; the second pass only reads arrays.
        var terms = new Dictionary<ulong, int>((int)Math.Min(total / 8, 1 << 20), MixedHash.Instance);
        var counts = new int[1024];
        var mapped = new int[total];
        var at = 0;
        foreach (var (_, trigrams, _) in documents)
        {
            foreach (var trigram in trigrams)
            {
                ref var term = ref CollectionsMarshal.GetValueRefOrAddDefault(terms, trigram, out var exists);
                if (!exists)
                {
                    term = terms.Count - 1;
                    if (term == counts.Length)
                    {
                        Array.Resize(ref counts, counts.Length * 2);
                    }
                }

                counts[term]++;
                mapped[at++] = term;
            }
        }

        var termCount = terms.Count;
        var starts = new int[termCount + 1];
        for (var t = 0; t < termCount; t++)
        {
            starts[t + 1] = starts[t] + counts[t];
        }

        var fill = starts.AsSpan(0, termCount).ToArray();
        var holders = new ushort[total];
        at = 0;
        for (var d = 0; d < documents.Count; d++)
        {
            for (var k = 0; k < documents[d].Trigrams.Length; k++)
            {
                holders[fill[mapped[at++]]++] = (ushort)d;
            }
        }

        var keys = new ulong[termCount];
        var order = new int[termCount];
        foreach (var (key, term) in terms)
        {
            keys[term] = key;
            order[term] = term;
        }

        Array.Sort(keys, order);

        var bitmapBytes = BitmapBytes(documents.Count);
        var blockCount = (termCount + FenceStride - 1) / FenceStride;
        var fences = new byte[blockCount * 8];
        var blocks = new List<Block>(blockCount);
        var postings = new ByteWriter(4096);
        for (var first = 0; first < termCount; first += FenceStride)
        {
            var count = Math.Min(FenceStride, termCount - first);
            var entries = new byte[(count + 1) * EntryBytes];
            postings.Reset();
            BinaryPrimitives.WriteUInt64LittleEndian(fences.AsSpan((first / FenceStride) * 8), keys[first]);
            for (var i = 0; i < count; i++)
            {
                WriteEntry(entries, i, keys[first + i], postings.Length);
                var term = order[first + i];
                WritePosting(postings, holders.AsSpan(starts[term], counts[term]), bitmapBytes);
            }

            WriteEntry(entries, count, ulong.MaxValue, postings.Length);
            blocks.Add(new Block(entries, postings.ToArray()));
        }

        var ids = new byte[documents.Count * 8];
        for (var d = 0; d < documents.Count; d++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(ids.AsSpan(d * 8), documents[d].Id);
        }

        return new Segment(ids, fences, blocks, GramBlocks(documents, bitmapBytes));
    }

    /// <summary>The documents' signatures turned on their side: per row, a bitmap of the documents that hit it.</summary>
    private static List<GramBlock> GramBlocks(IReadOnlyList<(long Id, ulong[] Trigrams, ulong[] Grams)> documents, int bitmapBytes)
    {
        var matrix = new byte[GramSignature.Rows * bitmapBytes];
        var words = GramSignature.Rows / 64;
        foreach (var document in documents)
        {
            if (document.Grams.Length is not 0 && document.Grams.Length != words)
            {
                throw new ArgumentException("A signature has the wrong number of rows.", nameof(documents));
            }
        }

        // A tile of 512 rows at a time (their bitmaps, 32 KB for 512 sessions, stay in cache) across every document.
        const int TileWords = 8;
        for (var tile = 0; tile < words; tile += TileWords)
        {
            for (var d = 0; d < documents.Count; d++)
            {
                var grams = documents[d].Grams;
                if (grams.Length == 0)
                {
                    continue;
                }

                var (column, bit) = (d >> 3, (byte)(1 << (d & 7)));
                for (var w = tile; w < tile + TileWords; w++)
                {
                    var word = grams[w];
                    while (word != 0)
                    {
                        matrix[(((w << 6) + System.Numerics.BitOperations.TrailingZeroCount(word)) * bitmapBytes) + column] |= bit;
                        word &= word - 1;
                    }
                }
            }
        }

        var blocks = new List<GramBlock>();
        var blockBytes = GramRowsPerBlock * bitmapBytes;
        for (var b = 0; b * blockBytes < matrix.Length; b++)
        {
            var bits = matrix.AsSpan(b * blockBytes, Math.Min(blockBytes, matrix.Length - (b * blockBytes)));
            if (bits.ContainsAnyExcept((byte)0))
            {
                blocks.Add(new GramBlock(b, bits.ToArray()));
            }
        }

        return blocks;
    }

    private static int BitmapBytes(int sessions) => (sessions + 7) / 8;

    /// <summary>One trigram's sessions: a delta list, or a bitmap when that is no larger.</summary>
    private static void WritePosting(ByteWriter postings, ReadOnlySpan<ushort> docs, int bitmapBytes)
    {
        var listBytes = 0;
        var previous = -1;
        foreach (var doc in docs)
        {
            listBytes += VarintLength((uint)(doc - previous - 1));
            previous = doc;
        }

        if (listBytes < bitmapBytes)
        {
            postings.Write(ListPosting);
            previous = -1;
            foreach (var doc in docs)
            {
                postings.WriteVarint((uint)(doc - previous - 1));
                previous = doc;
            }

            return;
        }

        postings.Write(BitmapPosting);
        var bitmap = postings.Reserve(bitmapBytes);
        foreach (var doc in docs)
        {
            bitmap[doc >> 3] |= (byte)(1 << (doc & 7));
        }
    }

    /// <summary>Stores a built segment (inside the caller's transaction).</summary>
    public static async Task InsertAsync(SqliteConnection connection, Segment segment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(segment);
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO trigram_segments (max_session, sessions, ids, fences) VALUES ($max, $sessions, $ids, $fences) RETURNING id";
        insert.Parameters.AddWithValue("$max", segment.MaxId);
        insert.Parameters.AddWithValue("$sessions", segment.Sessions);
        insert.Parameters.AddWithValue("$ids", segment.Ids);
        insert.Parameters.AddWithValue("$fences", segment.Fences);
        var rowid = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        await using var block = connection.CreateCommand();
        block.CommandText = "INSERT INTO trigram_blocks (id, terms, postings) VALUES ($id, $terms, $postings)";
        var id = block.Parameters.Add("$id", SqliteType.Integer);
        var terms = block.Parameters.Add("$terms", SqliteType.Blob);
        var postings = block.Parameters.Add("$postings", SqliteType.Blob);
        for (var b = 0; b < segment.Blocks.Count; b++)
        {
            id.Value = (rowid << BlockBits) + b;
            terms.Value = segment.Blocks[b].Terms;
            postings.Value = segment.Blocks[b].Postings;
            await block.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var gram = connection.CreateCommand();
        gram.CommandText = "INSERT INTO gram_blocks (id, bits) VALUES ($id, $bits)";
        var gramId = gram.Parameters.Add("$id", SqliteType.Integer);
        var bits = gram.Parameters.Add("$bits", SqliteType.Blob);
        foreach (var (number, stored) in segment.Grams)
        {
            gramId.Value = (rowid << BlockBits) + number;
            bits.Value = stored;
            await gram.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Forgets cached segment headers (the index was emptied).</summary>
    public void Reset() => _headers.Clear();

    /// <summary>
    /// The ids of the sessions holding every one of <paramref name="trigrams"/> and hitting every one of
    /// <paramref name="gramRows"/> (<see cref="GramSignature.QueryRows"/>), newest (highest) first, each once.
    /// Segments are read in order of their newest session, and a candidate is handed out only when no segment not
    /// yet read could hold a newer one, so a first page reads only the newest segments.
    /// </summary>
    public async IAsyncEnumerable<long> CandidatesAsync(SqliteConnection connection, IReadOnlyList<ulong> trigrams, IReadOnlyList<int> gramRows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(trigrams);
        ArgumentNullException.ThrowIfNull(gramRows);
        ArgumentOutOfRangeException.ThrowIfZero(trigrams.Count);
        var segments = new List<(long Rowid, long MaxId)>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT id, max_session FROM trigram_segments ORDER BY max_session DESC";
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                segments.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }
        }

        if (_headers.Count > segments.Count)
        {
            var live = segments.Select(s => s.Rowid).ToHashSet();
            foreach (var gone in _headers.Keys.Where(k => !live.Contains(k)))
            {
                _headers.TryRemove(gone, out _);
            }
        }

        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT terms, postings FROM trigram_blocks WHERE id = $id";
        var block = read.Parameters.Add("$id", SqliteType.Integer);
        await using var readGrams = connection.CreateCommand();
        readGrams.CommandText = "SELECT bits FROM gram_blocks WHERE id = $id";
        var gramBlock = readGrams.Parameters.Add("$id", SqliteType.Integer);
        var pending = new PriorityQueue<long, long>();
        var last = long.MaxValue;
        foreach (var (rowid, maxId) in segments)
        {
            while (pending.TryPeek(out var id, out _) && id > maxId)
            {
                pending.Dequeue();
                if (id != last)
                {
                    yield return last = id;
                }
            }

            if (await HeaderAsync(connection, rowid, cancellationToken) is { } header)
            {
                var words = await MatchAsync(read, block, header, trigrams, cancellationToken);
                if (words is not null && gramRows.Count > 0)
                {
                    words = await MatchGramsAsync(readGrams, gramBlock, header, words, gramRows, cancellationToken);
                }

                foreach (var id in Sessions(header, words))
                {
                    pending.Enqueue(id, -id);
                }
            }
        }

        while (pending.TryDequeue(out var id, out _))
        {
            if (id != last)
            {
                yield return last = id;
            }
        }
    }

    /// <summary>
    /// Merges the small segments once there are more than <see cref="MaxSmall"/> of them, dropping sessions that are
    /// no longer indexed (deleted, or replaced by a newer version of their object).
    /// </summary>
    public async Task<bool> CompactAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var small = new List<long>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT id FROM trigram_segments WHERE sessions < $small";
            list.Parameters.AddWithValue("$small", SmallSegment);
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                small.Add(reader.GetInt64(0));
            }
        }

        if (small.Count <= MaxSmall)
        {
            return false;
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var documents = new Dictionary<long, Unpacked>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT ids FROM trigram_segments WHERE id = $id";
            var parameter = read.Parameters.Add("$id", SqliteType.Integer);
            await using var blocks = connection.CreateCommand();
            blocks.CommandText = "SELECT terms, postings FROM trigram_blocks WHERE id BETWEEN $first AND $last ORDER BY id";
            var first = blocks.Parameters.Add("$first", SqliteType.Integer);
            var last = blocks.Parameters.Add("$last", SqliteType.Integer);
            await using var grams = connection.CreateCommand();
            grams.CommandText = "SELECT id, bits FROM gram_blocks WHERE id BETWEEN $first AND $last ORDER BY id";
            var gramFirst = grams.Parameters.Add("$first", SqliteType.Integer);
            var gramLast = grams.Parameters.Add("$last", SqliteType.Integer);
            foreach (var rowid in small)
            {
                parameter.Value = rowid;
                if (await read.ExecuteScalarAsync(cancellationToken) is not byte[] ids)
                {
                    continue;
                }

                (first.Value, last.Value) = BlockRange(rowid);
                var stored = new List<Block>();
                await using (var reader = await blocks.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        stored.Add(new Block((byte[])reader[0], (byte[])reader[1]));
                    }
                }

                (gramFirst.Value, gramLast.Value) = BlockRange(rowid);
                var storedGrams = new List<GramBlock>();
                await using (var reader = await grams.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        storedGrams.Add(new GramBlock((int)(reader.GetInt64(0) - (rowid << BlockBits)), (byte[])reader[1]));
                    }
                }

                Unpack(ids, stored, storedGrams, documents);
            }
        }

        await using (var exists = connection.CreateCommand())
        {
            exists.CommandText = "SELECT count(*) FROM sessions WHERE id = $id";
            var parameter = exists.Parameters.Add("$id", SqliteType.Integer);
            foreach (var id in documents.Keys.ToList())
            {
                parameter.Value = id;
                if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
                {
                    documents.Remove(id);
                }
            }
        }

        var ordered = documents.OrderBy(d => d.Key).Select(d => (d.Key, d.Value.Trigrams.ToArray(), d.Value.Grams)).ToList();
        foreach (var chunk in ordered.Chunk(MaxSegment))
        {
            await InsertAsync(connection, Build(chunk), cancellationToken);
        }

        await using (var delete = connection.CreateCommand())
        {
            delete.CommandText = "DELETE FROM trigram_segments WHERE id = $id; DELETE FROM trigram_blocks WHERE id BETWEEN $first AND $last; DELETE FROM gram_blocks WHERE id BETWEEN $first AND $last;";
            var parameter = delete.Parameters.Add("$id", SqliteType.Integer);
            var first = delete.Parameters.Add("$first", SqliteType.Integer);
            var last = delete.Parameters.Add("$last", SqliteType.Integer);
            foreach (var rowid in small)
            {
                parameter.Value = rowid;
                (first.Value, last.Value) = BlockRange(rowid);
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var rowid in small)
        {
            _headers.TryRemove(rowid, out _);
        }

        return true;
    }

    /// <summary>Every session of a stored segment with its trigrams and signature, added to <paramref name="documents"/>.</summary>
    internal static void Unpack(byte[] ids, IReadOnlyList<Block> blocks, IReadOnlyList<GramBlock> grams, Dictionary<long, Unpacked> documents)
    {
        var sessions = new long[ids.Length / 8];
        for (var d = 0; d < sessions.Length; d++)
        {
            sessions[d] = BinaryPrimitives.ReadInt64LittleEndian(ids.AsSpan(d * 8));
            if (!documents.ContainsKey(sessions[d]))
            {
                documents[sessions[d]] = new Unpacked([], new ulong[GramSignature.Rows / 64]);
            }
        }

        var words = new ulong[(sessions.Length + 63) / 64];
        foreach (var (terms, postings) in blocks)
        {
            var termCount = (terms.Length / EntryBytes) - 1;
            for (var i = 0; i < termCount; i++)
            {
                var key = BinaryPrimitives.ReadUInt64LittleEndian(terms.AsSpan(i * EntryBytes));
                Decode(Posting(terms, postings, i), words, sessions.Length);
                for (var w = 0; w < words.Length; w++)
                {
                    var word = words[w];
                    while (word != 0)
                    {
                        documents[sessions[(w * 64) + System.Numerics.BitOperations.TrailingZeroCount(word)]].Trigrams.Add(key);
                        word &= word - 1;
                    }
                }
            }
        }

        var bitmapBytes = BitmapBytes(sessions.Length);
        foreach (var (number, bits) in grams)
        {
            for (var r = 0; r < bits.Length / bitmapBytes; r++)
            {
                var row = (number * GramRowsPerBlock) + r;
                var bitmap = bits.AsSpan(r * bitmapBytes, bitmapBytes);
                for (var d = 0; d < sessions.Length; d++)
                {
                    if ((bitmap[d >> 3] & (1 << (d & 7))) != 0)
                    {
                        documents[sessions[d]].Grams[row >> 6] |= 1UL << (row & 63);
                    }
                }
            }
        }
    }

    /// <summary>One session as a stored segment held it.</summary>
    internal sealed record Unpacked(List<ulong> Trigrams, ulong[] Grams);

    private static ReadOnlySpan<byte> Posting(byte[] terms, byte[] postings, int index)
    {
        var start = (int)BinaryPrimitives.ReadUInt32LittleEndian(terms.AsSpan((index * EntryBytes) + 8));
        var end = (int)BinaryPrimitives.ReadUInt32LittleEndian(terms.AsSpan(((index + 1) * EntryBytes) + 8));
        return postings.AsSpan(start, end - start);
    }

    private static (long First, long Last) BlockRange(long segment) => (segment << BlockBits, ((segment + 1) << BlockBits) - 1);

    /// <summary>The sessions of one segment holding every trigram, as a bitmap over its sessions; null when none does.</summary>
    private static async Task<ulong[]?> MatchAsync(SqliteCommand read, SqliteParameter block, Header header, IReadOnlyList<ulong> trigrams, CancellationToken cancellationToken)
    {
        var words = new ulong[(header.Ids.Length + 63) / 64];
        var scratch = new ulong[words.Length];
        for (var q = 0; q < trigrams.Count; q++)
        {
            var key = trigrams[q];
            var at = header.Fences.AsSpan().BinarySearch(key);
            at = at >= 0 ? at : ~at - 1;
            if (at < 0)
            {
                return null; // Smaller than every term of the segment.
            }

            block.Value = (header.Rowid << BlockBits) + at;
            byte[] terms, postings;
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    return null; // Merged away since the segment was listed.
                }

                (terms, postings) = ((byte[])reader[0], (byte[])reader[1]);
            }

            var (lo, hi) = (0, (terms.Length / EntryBytes) - 2);
            var hit = -1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var probe = BinaryPrimitives.ReadUInt64LittleEndian(terms.AsSpan(mid * EntryBytes));
                if (probe == key)
                {
                    hit = mid;
                    break;
                }

                (lo, hi) = probe < key ? (mid + 1, hi) : (lo, mid - 1);
            }

            if (hit < 0)
            {
                return null; // A trigram the segment lacks: none of its sessions can match.
            }

            Decode(Posting(terms, postings, hit), q == 0 ? words : scratch, header.Ids.Length);
            if (q > 0)
            {
                var any = 0UL;
                for (var w = 0; w < words.Length; w++)
                {
                    any |= words[w] &= scratch[w];
                }

                if (any == 0)
                {
                    return null;
                }
            }
        }

        return words;
    }

    /// <summary>
    /// Narrows <paramref name="words"/> to the sessions that hit every one of <paramref name="rows"/> (ascending),
    /// reading each stored block once; null when none is left.
    /// </summary>
    private static async Task<ulong[]?> MatchGramsAsync(SqliteCommand read, SqliteParameter block, Header header, ulong[] words, IReadOnlyList<int> rows, CancellationToken cancellationToken)
    {
        var bitmapBytes = BitmapBytes(header.Ids.Length);
        byte[]? bits = null;
        var loaded = -1;
        foreach (var row in rows)
        {
            var number = row / GramRowsPerBlock;
            if (number != loaded)
            {
                block.Value = (header.Rowid << BlockBits) + number;
                bits = await read.ExecuteScalarAsync(cancellationToken) as byte[];
                if (bits is null)
                {
                    return null; // No session hits a row of this block (or the segment was merged away).
                }

                loaded = number;
            }

            var bitmap = bits.AsSpan((row % GramRowsPerBlock) * bitmapBytes, bitmapBytes);
            var any = 0UL;
            for (var w = 0; w < words.Length; w++)
            {
                var start = w * 8;
                var word = 0UL;
                for (var b = 0; b < 8 && start + b < bitmap.Length; b++)
                {
                    word |= (ulong)bitmap[start + b] << (b * 8);
                }

                any |= words[w] &= word;
            }

            if (any == 0)
            {
                return null;
            }
        }

        return words;
    }

    /// <summary>The ids of a segment's sessions set in <paramref name="words"/>, ascending.</summary>
    private static IEnumerable<long> Sessions(Header header, ulong[]? words)
    {
        if (words is null)
        {
            yield break;
        }

        for (var w = 0; w < words.Length; w++)
        {
            var word = words[w];
            while (word != 0)
            {
                yield return header.Ids[(w * 64) + System.Numerics.BitOperations.TrailingZeroCount(word)];
                word &= word - 1;
            }
        }
    }

    private static void Decode(ReadOnlySpan<byte> posting, ulong[] words, int sessions)
    {
        Array.Clear(words);
        if (posting.Length == 0)
        {
            return;
        }

        if (posting[0] == BitmapPosting)
        {
            var bitmap = posting[1..];
            for (var b = 0; b < bitmap.Length; b++)
            {
                words[b >> 3] |= (ulong)bitmap[b] << ((b & 7) * 8);
            }

            return;
        }

        var previous = -1;
        var at = 1;
        while (at < posting.Length)
        {
            uint value = 0;
            var shift = 0;
            byte next;
            do
            {
                next = posting[at++];
                value |= (uint)(next & 0x7F) << shift;
                shift += 7;
            }
            while ((next & 0x80) != 0 && shift < 35);

            var doc = previous + 1 + (int)value;
            if ((uint)doc >= (uint)sessions)
            {
                throw new InvalidDataException("A trigram posting points past its segment.");
            }

            words[doc >> 6] |= 1UL << (doc & 63);
            previous = doc;
        }
    }

    private async Task<Header?> HeaderAsync(SqliteConnection connection, long rowid, CancellationToken cancellationToken)
    {
        if (_headers.TryGetValue(rowid, out var cached))
        {
            return cached;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT ids, fences FROM trigram_segments WHERE id = $id";
        command.Parameters.AddWithValue("$id", rowid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null; // Merged away since the list was read.
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The trigram index is stored little-endian.");
        }

        var ids = MemoryMarshal.Cast<byte, long>(((byte[])reader[0]).AsSpan()).ToArray();
        var fences = MemoryMarshal.Cast<byte, ulong>(((byte[])reader[1]).AsSpan()).ToArray();

        var header = new Header(rowid, ids, fences);
        return _headers[rowid] = header;
    }

    private static void WriteEntry(byte[] entries, int index, ulong key, int offset)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(entries.AsSpan(index * EntryBytes), key);
        BinaryPrimitives.WriteUInt32LittleEndian(entries.AsSpan((index * EntryBytes) + 8), (uint)offset);
    }

    private static int VarintLength(uint value) => value < 1 << 7 ? 1 : value < 1 << 14 ? 2 : value < 1 << 21 ? 3 : value < 1 << 28 ? 4 : 5;

    /// <summary>A built segment, ready to store.</summary>
    internal sealed record Segment(byte[] Ids, byte[] Fences, IReadOnlyList<Block> Blocks, IReadOnlyList<GramBlock> Grams)
    {
        /// <summary>How many sessions the segment holds.</summary>
        public int Sessions => Ids.Length / 8;

        /// <summary>Its newest session: the ids are ascending.</summary>
        public long MaxId => BinaryPrimitives.ReadInt64LittleEndian(Ids.AsSpan(Ids.Length - 8));
    }

    /// <summary>
    /// Up to <see cref="FenceStride"/> terms: each a 64-bit trigram and where its posting starts, then an entry that
    /// ends the last posting; and the postings.
    /// </summary>
    internal sealed record Block(byte[] Terms, byte[] Postings);

    /// <summary>
    /// Signature rows <c>Number * GramRowsPerBlock</c> onwards, <see cref="GramRowsPerBlock"/> of them (the last block
    /// fewer), each a bitmap of the segment's sessions (one bit each, rounded up to whole bytes).
    /// </summary>
    internal sealed record GramBlock(int Number, byte[] Bits);

    /// <summary>What a lookup needs in memory: the session ids and the first term of every block.</summary>
    private sealed record Header(long Rowid, long[] Ids, ulong[] Fences);

    /// <summary>
    /// Hashes trigram values well: the default hash of a 64-bit value XORs its halves, which for a trigram folds the
    /// first character onto the last and puts hundreds of trigrams in one bucket.
    /// </summary>
    private sealed class MixedHash : IEqualityComparer<ulong>
    {
        public static readonly MixedHash Instance = new();

        public bool Equals(ulong x, ulong y) => x == y;

        public int GetHashCode(ulong obj)
        {
            obj ^= obj >> 29;
            obj *= 0xBF58476D1CE4E5B9UL;
            return (int)(obj ^ (obj >> 32));
        }
    }

    /// <summary>A growable byte buffer with varint writes.</summary>
    private sealed class ByteWriter(int capacity)
    {
        private byte[] _buffer = new byte[capacity];

        public int Length { get; private set; }

        public void Reset() => Length = 0;

        public void Write(byte value)
        {
            Ensure(1);
            _buffer[Length++] = value;
        }

        public void WriteVarint(uint value)
        {
            Ensure(5);
            while (value >= 0x80)
            {
                _buffer[Length++] = (byte)(value | 0x80);
                value >>= 7;
            }

            _buffer[Length++] = (byte)value;
        }

        public Span<byte> Reserve(int count)
        {
            Ensure(count);
            var span = _buffer.AsSpan(Length, count);
            span.Clear();
            Length += count;
            return span;
        }

        public byte[] ToArray() => _buffer.AsSpan(0, Length).ToArray();

        private void Ensure(int count)
        {
            if (Length + count > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + count));
            }
        }
    }
}
