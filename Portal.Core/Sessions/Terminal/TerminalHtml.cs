using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// Terminal rows as HTML: one run of spans per row, every character HTML-encoded, colours and attributes as inline
/// CSS. Nothing from the transcript can become markup, a link or a script.
/// </summary>
public static class TerminalHtml
{
    // All of Unicode passes as itself (Japanese stays readable in the source); <, >, &, quotes and controls are encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    /// <summary>
    /// Writes a self-contained HTML document of a transcript: metadata, then every row, with a content security
    /// policy that allows no script, no network and no frame. Rows go out in chunks, so a huge transcript streams.
    /// </summary>
    public static async Task WriteDocumentAsync(TextWriter writer, string title, IReadOnlyList<KeyValuePair<string, string>> metadata, TranscriptDocument document, Action<TextWriter, int>? writeRow = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(document);
        var chunk = new StringWriter(new StringBuilder(64 * 1024));
        chunk.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        chunk.Write("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
        chunk.Write("<title>");
        chunk.Write(Encoder.Encode(title));
        chunk.Write("</title><style>body{font-family:sans-serif;margin:1rem}dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}");
        chunk.Write("dt{font-weight:bold}pre{background:#111;color:#e5e5e5;padding:.5rem;font:13px/1.25 ui-monospace,Menlo,Consolas,monospace}");
        chunk.Write(".kept{background:#2a2a3a}.kept-label{color:#9a9ab0;font-style:italic}</style></head><body><h1>");
        chunk.Write(Encoder.Encode(title));
        chunk.Write("</h1><dl>");
        foreach (var (name, value) in metadata)
        {
            chunk.Write("<dt>");
            chunk.Write(Encoder.Encode(name));
            chunk.Write("</dt><dd>");
            chunk.Write(Encoder.Encode(value));
            chunk.Write("</dd>");
        }

        chunk.Write("</dl><pre>");
        var previous = RowKind.Live;
        for (var row = 0; row < document.RowCount; row++)
        {
            var kind = document.RowKind(row);
            if (kind != previous && kind != RowKind.Live)
            {
                chunk.Write("<span class=\"kept-label\">");
                chunk.Write(kind == RowKind.FullScreenSnapshot ? "── last screen of a full-screen program ──" : "── wiped by clear ──");
                chunk.Write("</span>\n");
            }

            previous = kind;
            if (kind != RowKind.Live)
            {
                chunk.Write("<span class=\"kept\">");
            }

            if (writeRow is null)
            {
                document.WriteRowHtml(chunk, row);
            }
            else
            {
                writeRow(chunk, row);
            }
            if (kind != RowKind.Live)
            {
                chunk.Write("</span>");
            }

            chunk.Write('\n');
            if (chunk.GetStringBuilder().Length > 60 * 1024)
            {
                await writer.WriteAsync(chunk.GetStringBuilder(), cancellationToken);
                chunk.GetStringBuilder().Clear();
            }
        }

        chunk.Write("</pre></body></html>\n");
        await writer.WriteAsync(chunk.GetStringBuilder(), cancellationToken);
    }

    /// <summary>Writes cell text HTML-encoded; NUL (a blank cell) becomes a space.</summary>
    internal static void WriteText(TextWriter writer, ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var buffer = System.Buffers.ArrayPool<char>.Shared.Rent(text.Length);
        try
        {
            text.CopyTo(buffer);
            buffer.AsSpan(0, text.Length).Replace('\0', ' ');
            Encoder.Encode(writer, buffer, 0, text.Length);
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>Inline CSS for a style; only hex colours and fixed keywords, so nothing needs escaping.</summary>
    internal static string Css(CellStyle style)
    {
        var foreground = XtermPalette.Css(style.Foreground);
        var background = XtermPalette.Css(style.Background);
        var attributes = style.Attributes;
        if ((attributes & CellAttributes.Bold) != 0 && style.Foreground is >= 0 and < 8)
        {
            // As xterm does: bold draws the bright variant of the first eight colours.
            foreground = XtermPalette.Css(style.Foreground + 8);
        }

        if ((attributes & CellAttributes.Inverse) != 0)
        {
            (foreground, background) = (background ?? "#e5e5e5", foreground ?? "#111111");
        }

        var css = new StringBuilder();
        if (foreground is not null)
        {
            css.Append(CultureInfo.InvariantCulture, $"color:{foreground};");
        }

        if (background is not null)
        {
            css.Append(CultureInfo.InvariantCulture, $"background:{background};");
        }

        if ((attributes & CellAttributes.Bold) != 0)
        {
            css.Append("font-weight:bold;");
        }

        if ((attributes & CellAttributes.Faint) != 0)
        {
            css.Append("opacity:.6;");
        }

        if ((attributes & CellAttributes.Italic) != 0)
        {
            css.Append("font-style:italic;");
        }

        var lines = ((attributes & CellAttributes.Underline) != 0 ? "underline " : string.Empty)
            + ((attributes & CellAttributes.Strikethrough) != 0 ? "line-through " : string.Empty)
            + ((attributes & CellAttributes.Overline) != 0 ? "overline " : string.Empty);
        if (lines.Length > 0)
        {
            css.Append("text-decoration:").Append(lines.TrimEnd()).Append(';');
        }

        if ((attributes & CellAttributes.Invisible) != 0)
        {
            // Concealed text was still sent to the terminal; an auditor sees it, faded.
            css.Append("opacity:.35;");
        }

        return css.ToString();
    }
}
