using System.Text;
using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions.Redaction;

/// <summary>
/// A transcript as the page and the text and HTML downloads show it: its rows and lines with secrets masked
/// (<see cref="SecretMasker"/>), character for character, so nothing moves. Secrets are found in whole logical lines
/// (a key that wraps over two rows is found whole), and the body of a PEM private key block is masked line by line.
/// One reader's view: not for several threads at once.
/// </summary>
public sealed class RedactedDocument
{
    // A private key block's body is found by looking back this many lines for its BEGIN line (a 4096-bit key is 51).
    private const int KeyBlockLookback = 200;
    private const int MaxCachedLines = 20_000;

    private readonly SecretMasker _masker;
    private readonly Dictionary<int, LineMask> _masks = [];
    private readonly Dictionary<int, bool> _insideKeyBlock = [];
    private readonly StringBuilder _scratch = new();

    /// <summary>A view of <paramref name="document"/> with the secrets <paramref name="masker"/> finds masked.</summary>
    public RedactedDocument(TranscriptDocument document, SecretMasker masker)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(masker);
        Document = document;
        _masker = masker;
    }

    /// <summary>The document underneath, unmasked.</summary>
    public TranscriptDocument Document { get; }

    /// <summary>False when redaction is turned off in configuration.</summary>
    public bool Masks => _masker.Enabled;

    /// <summary>The row as encoded HTML, secrets masked.</summary>
    public string RowHtml(int row)
    {
        var writer = new StringWriter(new StringBuilder(Document.Columns + 16));
        WriteRowHtml(writer, row);
        return writer.ToString();
    }

    /// <summary>Writes the row's HTML, secrets masked.</summary>
    public void WriteRowHtml(TextWriter writer, int row)
    {
        if (!_masker.Enabled)
        {
            Document.WriteRowHtml(writer, row);
            return;
        }

        Document.WriteRowHtml(writer, row, RowRanges(row), SecretMasker.Mask);
    }

    /// <summary>The line's text, trailing spaces dropped, secrets masked.</summary>
    public string LineText(int line)
    {
        if (!_masker.Enabled)
        {
            return Document.LineText(line);
        }

        var mask = MaskOf(line);
        return Apply(mask.Text, mask.Ranges).TrimEnd(' ');
    }

    /// <summary>The line cut for display (as <see cref="TranscriptDocument.LineDisplayText"/>), secrets masked.</summary>
    public string LineDisplayText(int line, int maxLength = 20_000) => TranscriptDocument.CutForDisplay(LineText(line), maxLength);

    /// <summary>Where the row's text has secrets, in the row's own character positions.</summary>
    private (int Start, int Length)[] RowRanges(int row)
    {
        var line = Document.LineOfRow(row);
        var mask = MaskOf(line);
        if (mask.Ranges.Length == 0)
        {
            return [];
        }

        var index = row - Document.LineFirstRow(line);
        var start = mask.RowStarts[Math.Min(index, mask.RowStarts.Length - 1)];
        var end = index + 1 < mask.RowStarts.Length ? mask.RowStarts[index + 1] : int.MaxValue;
        return [.. mask.Ranges.Where(r => r.Start < end && r.Start + r.Length > start).Select(r => (r.Start - start, r.Length))];
    }

    private LineMask MaskOf(int line)
    {
        if (_masks.TryGetValue(line, out var mask))
        {
            return mask;
        }

        if (_masks.Count > MaxCachedLines)
        {
            _masks.Clear();
        }

        var starts = new List<int>();
        _scratch.Clear();
        Document.AppendLineText(_scratch, line, starts);
        var text = _scratch.ToString();
        var ranges = InsideKeyBlock(line) && !_masker.ClosesKeyBlock(text)
            ? [(0, text.Length)]
            : _masker.Find(text).ToArray();
        return _masks[line] = new LineMask(text, [.. starts], ranges);
    }

    /// <summary>True when a line before this one opened a private key block that no line since has closed.</summary>
    private bool InsideKeyBlock(int line)
    {
        if (_insideKeyBlock.TryGetValue(line, out var inside))
        {
            return inside;
        }

        if (_insideKeyBlock.Count > MaxCachedLines)
        {
            _insideKeyBlock.Clear();
        }

        inside = false;
        for (var previous = line - 1; previous >= Math.Max(0, line - KeyBlockLookback); previous--)
        {
            var text = Document.LineText(previous);
            if (_masker.ClosesKeyBlock(text))
            {
                break;
            }

            if (_masker.OpensKeyBlock(text))
            {
                inside = true;
                break;
            }
        }

        return _insideKeyBlock[line] = inside;
    }

    private static string Apply(string text, (int Start, int Length)[] ranges)
    {
        if (ranges.Length == 0)
        {
            return text;
        }

        var chars = text.ToCharArray();
        foreach (var (start, length) in ranges)
        {
            for (var i = start; i < Math.Min(chars.Length, start + length); i++)
            {
                chars[i] = chars[i] == ' ' ? ' ' : SecretMasker.Mask;
            }
        }

        return new string(chars);
    }

    private sealed record LineMask(string Text, int[] RowStarts, (int Start, int Length)[] Ranges);
}
