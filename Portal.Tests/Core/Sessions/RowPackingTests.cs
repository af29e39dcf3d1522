using Portal.Core.Sessions.Terminal;

namespace Portal.Tests.Core.Sessions;

/// <summary>
/// Rows packed into a <see cref="RowStore"/> read back cell for cell: the commonest rows (one BMP character of width
/// one or a blank per cell) take the vectorised encoding, the rest (wide characters, astral ones, combining marks) the
/// general one, rows of plain ASCII are kept as bytes, and all give what was printed.
/// </summary>
public sealed class RowPackingTests
{
    [Theory]
    [InlineData(80, false)]
    [InlineData(17, false)]
    [InlineData(131, false)]
    [InlineData(80, true)]
    [InlineData(33, true)]
    public void EveryRow_ReadsBackAsPrinted(int columns, bool withUncommonCells)
    {
        var random = new Random(columns);
        var styles = new StyleTable();
        var ids = new[] { 0, styles.IdOf(new CellStyle(4, CellStyle.DefaultColor, CellAttributes.Bold)), styles.IdOf(new CellStyle(CellStyle.DefaultColor, 1, CellAttributes.None)), styles.IdOf(new CellStyle(2, 3, CellAttributes.Underline)) };
        var store = new RowStore(columns, styles);
        var printed = new List<TerminalRow>();
        for (var n = 0; n < 2000; n++)
        {
            var row = new TerminalRow(columns, styles) { IsWrapped = n % 5 == 0 };
            var styled = n % 3 != 0;
            var used = random.Next(columns + 1);
            for (var x = 0; x < used; x++)
            {
                var style = styled ? ids[random.Next(ids.Length)] : 0;
                switch (random.Next(withUncommonCells ? 12 : 9))
                {
                    case 0:
                        row.SetBlank(x, style);
                        break;
                    case < 9:
                        row.Set(x, 0x20 + random.Next(0x5F), 1, style);
                        break;
                    case 9 when x + 1 < columns:
                        row.Set(x, 0x6F22, 2, style); // 漢
                        row.SetSecondHalf(++x, style);
                        break;
                    case 10:
                        row.Set(x, 0x1F600, 1, style);
                        break;
                    default:
                        row.Set(x, 'e', 1, style);
                        row.AddCombining(x, 0x301);
                        break;
                }
            }

            if (n % 7 == 0)
            {
                row.Fill(columns / 2, columns, ids[2]); // a background to the end of the row
            }

            store.Append(row, RowKind.Live);
            printed.Add(row);
        }

        Assert.Contains(Enumerable.Range(0, printed.Count), store.IsNarrow); // plain rows are kept as bytes
        for (var i = 0; i < printed.Count; i++)
        {
            var back = store.Materialize(i);
            Assert.Equal(printed[i].IsWrapped, back.IsWrapped);
            Assert.Equal(printed[i].IsBlank, store.IsBlank(i));
            for (var x = 0; x < columns; x++)
            {
                Assert.Equal(printed[i][x], back[x]);
            }
        }
    }
}
