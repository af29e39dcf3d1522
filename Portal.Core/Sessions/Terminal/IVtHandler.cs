namespace Portal.Core.Sessions.Terminal;

/// <summary>What the parser asks the terminal to do.</summary>
internal interface IVtHandler
{
    void Print(ReadOnlySpan<int> codePoints);

    void Execute(int control);

    void EscDispatch(int intermediates, int final);

    void CsiDispatch(CsiParams parameters, int intermediates, int final);

    void OscDispatch(string payload);
}
