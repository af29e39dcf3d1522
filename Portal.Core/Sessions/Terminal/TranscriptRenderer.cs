namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// Renders a transcript pushed in pieces, as it downloads or all at once, into a <see cref="TranscriptDocument"/> that
/// grows as it goes. The terminal's size comes from the transcript (<see cref="TerminalSizeScanner"/>): each window of
/// body bytes is rendered at the largest size shown so far or within the next <see cref="LookaheadWindows"/> windows,
/// so a program's first screen is drawn at its size, and the size only grows. Rows and lines depend only on the bytes,
/// never on how they were cut into pieces: the page, the downloads and the search index all agree.
/// </summary>
internal sealed class TranscriptRenderer
{
    /// <summary>Windows of evidence read ahead of the bytes being rendered (1 MiB).</summary>
    public const int LookaheadWindows = 16;

    private readonly TranscriptStreamSplitter _splitter;
    private readonly TerminalSizeScanner _sizes = new();
    private readonly TerminalEmulator _terminal;
    private readonly int? _columns;
    private byte[] _pending = new byte[TerminalSizeScanner.Window * 2];
    private int _pendingStart;
    private int _pendingLength;
    private long _fed;
    private int _decidedWindow = -1;
    private TerminalSize _size;

    /// <summary>A renderer at the inferred size, or <paramref name="columns"/> wide when given (rows still inferred).</summary>
    public TranscriptRenderer(int? columns, RenderBudget? budget)
    {
        _columns = columns;
        _size = new TerminalSize(columns ?? TerminalSize.Default.Columns, TerminalSize.Default.Rows);
        _terminal = new TerminalEmulator(_size.Columns, _size.Rows, budget?.Reserve());
        _splitter = new TranscriptStreamSplitter(Body);
    }

    /// <summary>The document, growing as pieces are pushed; readable from any thread.</summary>
    public TranscriptDocument Document => _terminal.Document;

    /// <summary>True once the header line has been read (or the transcript plainly has none).</summary>
    public bool HeaderKnown => _splitter.HeaderKnown;

    /// <summary>Body bytes rendered so far.</summary>
    public long Rendered => _fed;

    /// <summary>Takes the next piece of the transcript, renders what can be sized, and publishes the rows.</summary>
    public void Push(ReadOnlySpan<byte> content)
    {
        _splitter.Push(content);
        Document.Header ??= _splitter.Header;
        Drain();
        _terminal.Publish();
    }

    /// <summary>Ends the transcript: renders the rest and completes the document.</summary>
    public TranscriptDocument Complete()
    {
        _splitter.Complete();
        _sizes.End();
        Document.Header ??= _splitter.Header;
        Document.Footer = _splitter.Footer;
        Drain();
        return _terminal.Finish();
    }

    /// <summary>Ends a render that failed: what was published stays readable; the document's completion faults.</summary>
    public void Fail(Exception error) => _terminal.Fail(error);

    private void Body(ReadOnlySpan<byte> body)
    {
        _sizes.Scan(body);
        if (_pendingStart + _pendingLength + body.Length > _pending.Length)
        {
            // Keep what is pending at the front, in a buffer large enough.
            var buffer = _pendingLength + body.Length > _pending.Length ? new byte[Math.Max(_pending.Length * 2, _pendingLength + body.Length)] : _pending;
            Array.Copy(_pending, _pendingStart, buffer, 0, _pendingLength);
            (_pending, _pendingStart) = (buffer, 0);
        }

        body.CopyTo(_pending.AsSpan(_pendingStart + _pendingLength));
        _pendingLength += body.Length;
    }

    /// <summary>Renders pending bytes window by window, as far as the evidence for each window's size is in.</summary>
    private void Drain()
    {
        while (_pendingLength > 0)
        {
            var window = (int)(_fed / TerminalSizeScanner.Window);
            if (window != _decidedWindow)
            {
                if (!_sizes.Ended && _sizes.Scanned < (window + LookaheadWindows + 1L) * TerminalSizeScanner.Window)
                {
                    return; // the next windows' evidence is not in yet
                }

                Decide(window);
            }

            var end = Math.Min((window + 1L) * TerminalSizeScanner.Window, _fed + _pendingLength);
            var length = (int)(end - _fed);
            if (!_terminal.IsTruncated)
            {
                _terminal.Write(_pending.AsSpan(_pendingStart, length));
            }

            (_pendingStart, _pendingLength, _fed) = (_pendingStart + length, _pendingLength - length, end);
            if (_pendingLength == 0)
            {
                _pendingStart = 0;
            }

            Document.ReportProgress(_fed, _sizes.Scanned);
        }
    }

    private void Decide(int window)
    {
        var size = _size;
        for (var w = window; w <= window + LookaheadWindows; w++)
        {
            size = size.AtLeast(_sizes.EvidenceOf(w));
        }

        size = new TerminalSize(_columns ?? Math.Min(size.Columns, RowStore.MaxColumns), size.Rows);
        if (size != _size)
        {
            _terminal.Grow(size.Columns, size.Rows);
            _size = size;
        }

        _decidedWindow = window;
    }
}
