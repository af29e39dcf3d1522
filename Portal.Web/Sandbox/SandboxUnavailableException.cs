namespace Portal.Web.Sandbox;

/// <summary>The sandbox cannot start; the message says what to do about it.</summary>
internal sealed class SandboxUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
