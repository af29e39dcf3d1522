using System.Diagnostics;
using Portal.Core.Sessions.Terminal;

internal static class Stages
{
    private sealed class Null : IVtHandler
    {
        public long N;
        public void Print(ReadOnlySpan<int> codePoints) => N += codePoints.Length;
        public void Execute(int control) => N++;
        public void EscDispatch(int intermediates, int final) => N++;
        public void CsiDispatch(CsiParams parameters, int intermediates, int final) => N++;
        public void OscDispatch(string payload) => N++;
    }

    public static void Run(byte[] input)
    {
        var buffer = new int[64 * 1024 + 4];
        for (var round = 0; round < 2; round++)
        {
            var sw = Stopwatch.StartNew();
            var d = new Utf8Decoder();
            long total = 0;
            for (var at = 0; at < input.Length; at += 64 * 1024)
            {
                total += d.Decode(input.AsSpan(at, Math.Min(64 * 1024, input.Length - at)), buffer);
            }
            Console.WriteLine($"decode: {input.Length / 1e6 / sw.Elapsed.TotalSeconds:F0} MB/s ({total})");
            sw.Restart();
            d = new Utf8Decoder();
            var h = new Null();
            var p = new VtParser(h);
            for (var at = 0; at < input.Length; at += 64 * 1024)
            {
                var n = d.Decode(input.AsSpan(at, Math.Min(64 * 1024, input.Length - at)), buffer);
                p.Parse(buffer.AsSpan(0, n));
            }
            Console.WriteLine($"decode+parse: {input.Length / 1e6 / sw.Elapsed.TotalSeconds:F0} MB/s ({h.N})");
            sw.Restart();
            var t = new TerminalEmulator(80, 24);
            t.Write(input);
            Console.WriteLine($"full: {input.Length / 1e6 / sw.Elapsed.TotalSeconds:F0} MB/s");
        }
    }
}
