namespace Portal.Tests.TestSupport;

/// <summary>Checks on the transcript page in Chromium.</summary>
internal static class TranscriptPane
{
    /// <summary>A function of a 1-based row: true when that row is inside the transcript's scrolling pane.</summary>
    public const string RowIsVisible = """
        n => {
          const pane = document.querySelector('.terminal'), row = document.getElementById('L' + n);
          if (!pane || !row) return false;
          const a = pane.getBoundingClientRect(), b = row.getBoundingClientRect();
          return b.top >= a.top - 1 && b.bottom <= a.bottom + 1;
        }
        """;
}
