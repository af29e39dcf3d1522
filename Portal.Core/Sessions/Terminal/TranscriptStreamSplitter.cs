using System.Buffers;

namespace Portal.Core.Sessions.Terminal;

/// <summary>Receives terminal bytes as <see cref="TranscriptStreamSplitter"/> finds them.</summary>
/// <param name="body">Body bytes, in order; valid only during the call.</param>
internal delegate void TranscriptBodyWriter(ReadOnlySpan<byte> body);

/// <summary>
/// <see cref="TranscriptFile.Parse"/> for a transcript that arrives in pieces: body bytes are handed on as soon as they
/// cannot be part of the <c>Script done on</c> footer, so a renderer shows the start of a large transcript while the
/// rest still downloads. Only a line that could still be the footer is held back. Header, body and footer come out
/// exactly as <see cref="TranscriptFile.Parse"/> splits the whole, however the transcript is cut into pieces.
/// </summary>
internal sealed class TranscriptStreamSplitter(TranscriptBodyWriter write)
{
    private static readonly byte[] HeaderMarker = "Script started on "u8.ToArray();
    private static readonly byte[] FooterMarker = "Script done on "u8.ToArray();

    private readonly ArrayBufferWriter<byte> _head = new();
    private readonly ArrayBufferWriter<byte> _held = new();
    private bool _headerDone;
    private bool _completed;

    /// <summary>The header line, once known.</summary>
    public string? Header { get; private set; }

    /// <summary>The footer line, known once <see cref="Complete"/> is called.</summary>
    public string? Footer { get; private set; }

    /// <summary>True once the header line has been read (or the transcript plainly has none).</summary>
    public bool HeaderKnown => _headerDone;

    /// <summary>Takes the next piece of the transcript.</summary>
    public void Push(ReadOnlySpan<byte> content)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_headerDone)
        {
            Body(content);
            return;
        }

        _head.Write(content);
        TakeHeader(final: false);
    }

    /// <summary>Ends the transcript: hands on what was held back that is body, and decides the footer.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        if (!_headerDone)
        {
            TakeHeader(final: true);
        }

        _completed = true;
        var held = _held.WrittenSpan;
        var trimmed = held.EndsWith("\n"u8) ? held[..^1] : held;
        var lastLf = trimmed.LastIndexOf((byte)'\n');
        if (lastLf >= 0 && trimmed[(lastLf + 1)..].StartsWith(FooterMarker))
        {
            Footer = TranscriptFile.DecodeMetadata(trimmed[(lastLf + 1)..]);
            Emit(held[..lastLf]);
        }
        else
        {
            Emit(held);
        }

        _held.Clear();
    }

    /// <summary>Reads the header once its line is whole, or hands everything on once the transcript plainly has none.</summary>
    private void TakeHeader(bool final)
    {
        var head = _head.WrittenSpan;
        var prefix = Math.Min(head.Length, HeaderMarker.Length);
        if (!head[..prefix].SequenceEqual(HeaderMarker.AsSpan(0, prefix)) || (final && head.Length < HeaderMarker.Length))
        {
            _headerDone = true;
            Body(head);
            _head.Clear();
            return;
        }

        var lf = head.IndexOf((byte)'\n');
        if (head.Length < HeaderMarker.Length || (lf < 0 && !final))
        {
            return;
        }

        _headerDone = true;
        Header = TranscriptFile.DecodeMetadata(head[..(lf < 0 ? head.Length : lf)]);
        Body(lf < 0 ? [] : head[(lf + 1)..]);
        _head.Clear();
    }

    /// <summary>Hands on body bytes, holding back from the line feed that could start the footer line.</summary>
    private void Body(ReadOnlySpan<byte> content)
    {
        if (content.IsEmpty)
        {
            return;
        }

        if (_held.WrittenCount == 0)
        {
            var from = HoldFrom(content);
            Emit(content[..from]);
            _held.Write(content[from..]);
            return;
        }

        _held.Write(content);
        var all = _held.WrittenSpan;
        var keep = HoldFrom(all);
        if (keep == 0)
        {
            return; // all of it could still be the footer's line
        }

        // What is kept is one line at most; the rest goes on now.
        var rest = all[keep..].ToArray();
        Emit(all[..keep]);
        _held.Clear();
        _held.Write(rest);
    }

    /// <summary>Where the bytes that could still hold the footer begin (the length when none can).</summary>
    private static int HoldFrom(ReadOnlySpan<byte> content)
    {
        var last = content.LastIndexOf((byte)'\n');
        if (last < 0)
        {
            return content.Length;
        }

        if (last < content.Length - 1)
        {
            // The last line is unfinished: held while it could still become the footer.
            return CouldStartFooter(content[(last + 1)..]) ? last : content.Length;
        }

        // Ends with a line feed, which may be the footer's own last one: then the line before it may be the footer.
        var previous = content[..last].LastIndexOf((byte)'\n');
        return previous >= 0 && content[(previous + 1)..last].StartsWith(FooterMarker) ? previous : last;
    }

    private static bool CouldStartFooter(ReadOnlySpan<byte> line)
    {
        var prefix = Math.Min(line.Length, FooterMarker.Length);
        return line[..prefix].SequenceEqual(FooterMarker.AsSpan(0, prefix));
    }

    private void Emit(ReadOnlySpan<byte> body)
    {
        if (!body.IsEmpty)
        {
            write(body);
        }
    }
}
