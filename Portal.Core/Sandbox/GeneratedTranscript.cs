namespace Portal.Core.Sandbox;

/// <summary>A demo session recording in the Session Manager S3 format.</summary>
/// <param name="SessionId">The session id, <c>&lt;user&gt;-&lt;17 hex&gt;</c>; the S3 key is <c>sessionmanager/&lt;SessionId&gt;.log</c>.</param>
/// <param name="User">The IAM user who started it.</param>
/// <param name="InstanceId">The instance it ran on.</param>
/// <param name="StartedAt">When the session started.</param>
/// <param name="EndedAt">When it ended (the header and footer carry this time, as the agent writes them at the end).</param>
/// <param name="Content">The whole object: header line, raw terminal bytes, footer line.</param>
public sealed record GeneratedTranscript(string SessionId, string User, string InstanceId, DateTimeOffset StartedAt, DateTimeOffset EndedAt, byte[] Content);
