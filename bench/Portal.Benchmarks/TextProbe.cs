using System.Diagnostics;
using Microsoft.Data.Sqlite;
namespace Portal.Benchmarks;
internal static class TextProbe
{
    public static void Run(string file)
    {
        using var c = new SqliteConnection($"Data Source={file};Mode=ReadOnly");
        c.Open();
        void T(string name, string sql, int n = 5)
        {
            using var cmd = c.CreateCommand(); cmd.CommandText = sql; object? r = null;
            r = cmd.ExecuteScalar();
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < n; i++) r = cmd.ExecuteScalar();
            Console.WriteLine($"{name}: {sw.Elapsed.TotalMilliseconds / n:F1} ms -> {r}");
        }
        T("fts count", "SELECT count(*) FROM command_text WHERE command_text MATCH '\"tail -n\"'");
        T("fts count rm -rf", "SELECT count(*) FROM command_text WHERE command_text MATCH '\"rm -rf\"'");
        T("like 3 cols", "SELECT count(*) FROM sessions s WHERE s.session_id LIKE '%tail -n%' OR s.principal LIKE '%tail -n%' OR s.instance_id LIKE '%tail -n%'");
        T("like id only", "SELECT count(*) FROM sessions s WHERE s.session_id LIKE '%ab12%'");
        T("count all", "SELECT count(*) FROM sessions");
        var sw = Stopwatch.StartNew();
        var strings = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        long pairs = 0;
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT session, text FROM commands";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var t = r.GetString(1); var s = r.GetInt64(0);
                if (!strings.TryGetValue(t, out var l)) strings[t] = l = new List<long>();
                if (l.Count == 0 || l[^1] != s) { l.Add(s); pairs++; }
            }
        }
        Console.WriteLine($"load: {sw.Elapsed.TotalSeconds:F1} s, {strings.Count} strings, {pairs} pairs, {strings.Keys.Sum(k => (long)k.Length)} chars; heap {GC.GetTotalMemory(true) / 1048576} MB");
        var keys = strings.Keys.ToArray(); var posts = keys.Select(k => strings[k].ToArray()).ToArray();
        strings = null;
        Console.WriteLine($"heap compact {GC.GetTotalMemory(true) / 1048576} MB");
        foreach (var q in new[] { "tail -n", "rm -rf", "systemctl status nginx" })
        {
            var needle = System.Buffers.SearchValues.Create([q], StringComparison.OrdinalIgnoreCase);
            HashSet<long>? set = null;
            var times = new List<double>();
            for (var i = 0; i < 10; i++)
            {
                var w = Stopwatch.StartNew();
                set = new HashSet<long>();
                for (var k = 0; k < keys.Length; k++) if (keys[k].AsSpan().IndexOfAny(needle) >= 0) foreach (var s in posts[k]) set.Add(s);
                times.Add(w.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            Console.WriteLine($"catalog `{q}`: {times[5]:F1} ms median -> {set!.Count} sessions");
            var w2 = Stopwatch.StartNew();
            using var cmd = c.CreateCommand(); cmd.CommandText = "SELECT id FROM sessions s ORDER BY s.ended_at DESC, s.id DESC";
            using var r = cmd.ExecuteReader(); var found = 0; var read = 0;
            while (r.Read() && found < 50) { read++; if (set.Contains(r.GetInt64(0))) found++; }
            Console.WriteLine($"  page by streaming: {w2.Elapsed.TotalMilliseconds:F1} ms, read {read}");
            var w3 = Stopwatch.StartNew(); var count = 0;
            using var cmd2 = c.CreateCommand(); cmd2.CommandText = "SELECT id FROM sessions s WHERE s.ended_at >= 0";
            using var r2 = cmd2.ExecuteReader();
            while (r2.Read()) if (set.Contains(r2.GetInt64(0))) count++;
            Console.WriteLine($"  count by streaming all ids: {w3.Elapsed.TotalMilliseconds:F1} ms -> {count}");
        }
    }
}
