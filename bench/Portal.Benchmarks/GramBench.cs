using System.Diagnostics;
using System.Globalization;
using Portal.Core.Sessions.Index;

namespace Portal.Benchmarks;

/// <summary>
/// `index-grams &lt;index file&gt; [sessions]`: how many search candidates a second, hashed index of longer grams
/// would leave, measured on the stored lines of the newest sessions of an index a run before built (ADR 0023). For
/// each query it counts the sessions holding it, and for trigrams alone and for each gram scheme the candidates a
/// first page walks newest first before it has its 20 hits (or all there are): the number of sessions whose lines
/// a search must read.
/// </summary>
internal static class GramBench
{
    private const int Page = 20;

    public static void Run(string file, int count)
    {
        var clock = Stopwatch.StartNew();
        var texts = Load(file, count);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{texts.Count} sessions loaded in {clock.Elapsed.TotalSeconds:F0} s"));

        var trigrams = texts.Select(t =>
        {
            var set = new Trigrams();
            foreach (var line in t.Split('\n'))
            {
                set.AddLine(line);
            }

            return set.Values();
        }).ToList();

        var schemes = new List<Scheme>();
        if (Environment.GetEnvironmentVariable("GRAM_SCHEMES") == "hashes")
        {
            // The chosen length and rows, one hash (with three seeds) against two.
            foreach (var (hashes, seed) in new[] { (1, 0UL), (1, 1UL), (1, 2UL), (2, 0UL), (2, 1UL) })
            {
                schemes.Add(new Scheme([6], 1 << 17, hashes, seed));
            }
        }
        else
        {
            foreach (var rows in new[] { 1 << 15, 1 << 16, 1 << 17 })
            {
                foreach (var lengths in new[] { new[] { 4 }, [5], [6], [7], [4, 6], [5, 7] })
                {
                    schemes.Add(new Scheme(lengths, rows, 1, 0));
                }
            }
        }

        foreach (var scheme in schemes)
        {
            scheme.Build(texts);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{scheme.Name}: {scheme.Distinct:F0} distinct grams per session, {scheme.Fill:P0} of rows set"));
        }

        var random = new Random(7);
        var queries = new List<string> { "10.0.1.23", "ip-10-0-1-23", "/usr/lib/systemd/system/", "/var/log", "accepted publickey", "0.1.23", "nov 14 00:15" };
        while (queries.Count < 107)
        {
            var lines = texts[random.Next(texts.Count)].Split('\n');
            var line = lines[random.Next(lines.Length)];
            var length = random.Next(5, 17);
            if (line.Length >= length)
            {
                var start = random.Next(line.Length - length + 1);
                queries.Add(Trigrams.Fold(line.Substring(start, length)));
            }
        }

        Console.WriteLine();
        Console.WriteLine("| query | hold it | trigrams | " + string.Join(" | ", schemes.Select(s => s.Name)) + " |");
        var totals = new long[schemes.Count + 1];
        var worst = new int[schemes.Count + 1];
        for (var q = 0; q < queries.Count; q++)
        {
            var query = queries[q];
            var hold = texts.Select(t => t.Contains(query, StringComparison.OrdinalIgnoreCase)).ToArray();
            var values = Trigrams.QueryValues(query)!;
            var byTrigram = Enumerable.Range(0, texts.Count).Select(d => values.All(v => Array.BinarySearch(trigrams[d], v) >= 0)).ToArray();
            var walked = new int[schemes.Count + 1];
            walked[0] = Walk(hold, byTrigram);
            for (var s = 0; s < schemes.Count; s++)
            {
                var rows = schemes[s].Rows(query);
                walked[s + 1] = Walk(hold, Enumerable.Range(0, texts.Count).Select(d => byTrigram[d] && schemes[s].Holds(d, rows)).ToArray());
            }

            for (var i = 0; i < walked.Length; i++)
            {
                totals[i] += walked[i];
                worst[i] = Math.Max(worst[i], walked[i]);
            }

            if (q < 7 || walked.Skip(1).Min() > 300)
            {
                Console.WriteLine($"| `{query}` | {hold.Count(h => h)} | " + string.Join(" | ", walked) + " |");
            }
        }

        Console.WriteLine($"| {queries.Count - 7} sampled queries, sessions read for their first pages | | " + string.Join(" | ", totals) + " |");
        Console.WriteLine("| the most one of them read | | " + string.Join(" | ", worst) + " |");
    }

    /// <summary>Candidates read, newest first, until a full first page or the last candidate.</summary>
    private static int Walk(bool[] hold, bool[] candidate)
    {
        var (read, found) = (0, 0);
        for (var d = 0; d < hold.Length && found < Page; d++)
        {
            if (candidate[d])
            {
                read++;
                found += hold[d] ? 1 : 0;
            }
        }

        return read;
    }

    private static List<string> Load(string file, int count)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT lines FROM session_text ORDER BY session DESC LIMIT $n";
        command.Parameters.AddWithValue("$n", count);
        var texts = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            texts.Add(LinePack.Unpack((byte[])reader.GetValue(0)).All);
        }

        return texts;
    }

    /// <summary>Grams of the given lengths, hashed into a fixed number of rows, one bit per session and row.</summary>
    private sealed class Scheme(int[] lengths, int rows, int hashes, ulong seed)
    {
        private readonly List<ulong[]> _bits = [];
        private long _set;
        private long _distinct;

        public string Name { get; } = $"{string.Join('+', lengths)}-grams in {rows / 1024}K rows" + (hashes > 1 || seed > 0 ? $", {hashes} hash(es), seed {seed}" : string.Empty);

        public double Distinct => (double)_distinct / _bits.Count;

        public double Fill => (double)_set / _bits.Count / rows;

        public void Build(List<string> texts)
        {
            var distinct = new HashSet<ulong>();
            foreach (var text in texts)
            {
                var bits = new ulong[rows / 64];
                distinct.Clear();
                foreach (var line in text.Split('\n'))
                {
                    foreach (var n in lengths)
                    {
                        for (var i = 0; i + n <= line.Length; i++)
                        {
                            var hash = Hash(line.AsSpan(i, n), seed);
                            distinct.Add(hash);
                            for (var h = 0; h < hashes; h++)
                            {
                                var row = RowOf(hash, h);
                                bits[row >> 6] |= 1UL << (row & 63);
                            }
                        }
                    }
                }

                _distinct += distinct.Count;
                _set += bits.Sum(w => (long)ulong.PopCount(w));
                _bits.Add(bits);
            }
        }

        public int[] Rows(string query)
        {
            var found = new List<int>();
            foreach (var n in lengths)
            {
                for (var i = 0; i + n <= query.Length; i++)
                {
                    for (var h = 0; h < hashes; h++)
                    {
                        found.Add(RowOf(Hash(query.AsSpan(i, n), seed), h));
                    }
                }
            }

            return [.. found];
        }

        public bool Holds(int document, int[] query)
        {
            var bits = _bits[document];
            foreach (var row in query)
            {
                if ((bits[row >> 6] & (1UL << (row & 63))) == 0)
                {
                    return false;
                }
            }

            return true;
        }

        private int RowOf(ulong hash, int h) => (int)(h == 0 ? hash >> 40 : hash) & (rows - 1);

        private static ulong Hash(ReadOnlySpan<char> gram, ulong seed)
        {
            var hash = 0x9E3779B97F4A7C15UL ^ (seed * 0xD6E8FEB86659FD93UL);
            foreach (var c in gram)
            {
                hash = (hash ^ Trigrams.Fold(c)) * 0xBF58476D1CE4E5B9UL;
                hash ^= hash >> 31;
            }

            return hash;
        }
    }
}
