using System.Diagnostics;
using Portal.Core.Sessions.Terminal;

internal static class Micro
{
    public static void Run()
    {
        var styles = new StyleTable();
        for (var round = 0; round < 3; round++)
        {
            var row = new TerminalRow(80, styles);
            row.SetAscii(0, "1234567"u8, 0);
            var store = new RowStore(80, styles);
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < 4_000_000; i++)
            {
                store.Append(row, RowKind.Live);
            }
            Console.WriteLine($"append: {sw.Elapsed.TotalMilliseconds * 1e6 / 4e6:F1} ns");

            var buffer = new ScreenBuffer(80, 24, styles, r => { });
            sw.Restart();
            for (var i = 0; i < 4_000_000; i++)
            {
                buffer.Row(23).SetAscii(0, "1234567"u8, 0);
                buffer.ScrollUp(0);
            }
            Console.WriteLine($"scroll+set: {sw.Elapsed.TotalMilliseconds * 1e6 / 4e6:F1} ns");

            var t = new TerminalEmulator(80, 24);
            var line = "1234567\r\r\n"u8.ToArray();
            sw.Restart();
            for (var i = 0; i < 4_000_000; i++)
            {
                t.Write(line);
            }
            Console.WriteLine($"write line: {sw.Elapsed.TotalMilliseconds * 1e6 / 4e6:F1} ns");
            var crlf = "\r\r\n"u8.ToArray();
            sw.Restart();
            for (var i = 0; i < 4_000_000; i++)
            {
                t.Write(crlf);
            }
            Console.WriteLine($"write crcrlf: {sw.Elapsed.TotalMilliseconds * 1e6 / 4e6:F1} ns");
            var text = "1234567"u8.ToArray();
            sw.Restart();
            for (var i = 0; i < 4_000_000; i++)
            {
                t.Write(text);
            }
            Console.WriteLine($"write text: {sw.Elapsed.TotalMilliseconds * 1e6 / 4e6:F1} ns");
        }
    }
}
