using System.Collections;

namespace Portal.Web.Components.Common;

/// <summary>
/// The numbers 0 to <see cref="Count"/> - 1 as a read-only list that stores nothing, so <c>Virtualize</c> can page
/// through millions of transcript rows and render only the ones on screen.
/// </summary>
internal sealed class IndexRange(int count) : IList<int>, IReadOnlyList<int>
{
    public int Count { get; } = count;

    public bool IsReadOnly => true;

    public int this[int index]
    {
        get => (uint)index < (uint)Count ? index : throw new ArgumentOutOfRangeException(nameof(index));
        set => throw new NotSupportedException();
    }

    public int IndexOf(int item) => (uint)item < (uint)Count ? item : -1;

    public bool Contains(int item) => (uint)item < (uint)Count;

    public void CopyTo(int[] array, int arrayIndex)
    {
        ArgumentNullException.ThrowIfNull(array);
        for (var i = 0; i < Count; i++)
        {
            array[arrayIndex + i] = i;
        }
    }

    public IEnumerator<int> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return i;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Add(int item) => throw new NotSupportedException();

    public void Clear() => throw new NotSupportedException();

    public void Insert(int index, int item) => throw new NotSupportedException();

    public bool Remove(int item) => throw new NotSupportedException();

    public void RemoveAt(int index) => throw new NotSupportedException();
}
