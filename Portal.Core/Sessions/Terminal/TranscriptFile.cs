using System.Text;

namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// A Session Manager transcript split as util-linux <c>script</c> wrote it: the <c>Script started on</c> header and
/// <c>Script done on</c> footer are metadata; the body between them is what the terminal received.
/// </summary>
public sealed class TranscriptFile
{
    private const int MaxMetadataLine = 4096;

    private TranscriptFile(int bodyOffset, int bodyLength, string? header, string? footer)
    {
        BodyOffset = bodyOffset;
        BodyLength = bodyLength;
        Header = header;
        Footer = footer;
    }

    /// <summary>Where the terminal bytes start.</summary>
    public int BodyOffset { get; }

    /// <summary>How many terminal bytes there are.</summary>
    public int BodyLength { get; }

    /// <summary>The header line without its line end, when there is one.</summary>
    public string? Header { get; }

    /// <summary>The footer line, when there is one; none means the transcript was cut short.</summary>
    public string? Footer { get; }

    /// <summary>
    /// Finds the body: after the first line when it is a <c>Script started on</c> header; up to the LF before the
    /// last line when that is a <c>Script done on</c> footer. Text like <c>echo "Script done on"</c> stays in the body.
    /// </summary>
    public static TranscriptFile Parse(ReadOnlySpan<byte> content)
    {
        var start = 0;
        string? header = null;
        if (content.StartsWith("Script started on "u8))
        {
            var lf = content.IndexOf((byte)'\n');
            start = lf < 0 ? content.Length : lf + 1;
            header = DecodeMetadata(content[..(lf < 0 ? content.Length : lf)]);
        }

        var end = content.Length;
        string? footer = null;
        var trimmed = content[start..];
        if (trimmed.EndsWith("\n"u8))
        {
            trimmed = trimmed[..^1];
        }

        var lastLf = trimmed.LastIndexOf((byte)'\n');
        if (lastLf >= 0)
        {
            var lastLine = trimmed[(lastLf + 1)..];
            if (lastLine.StartsWith("Script done on "u8))
            {
                end = start + lastLf;
                footer = DecodeMetadata(lastLine);
            }
        }

        return new TranscriptFile(start, end - start, header, footer);
    }

    /// <summary>A header or footer line as text: UTF-8, cut to 4,096 bytes, without its CR.</summary>
    internal static string DecodeMetadata(ReadOnlySpan<byte> line) =>
        Encoding.UTF8.GetString(line.Length > MaxMetadataLine ? line[..MaxMetadataLine] : line).TrimEnd('\r');
}
