using System.Net;
using Amazon.Runtime;

namespace Portal.Core.Aws;

/// <summary>
/// An AWS call that failed: carries the service, operation, AWS error code and request id so the user sees what
/// failed and support can trace it.
/// </summary>
public sealed class AwsApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AwsApiException(string service, string operation, string errorCode, string message, HttpStatusCode? statusCode = null, string? requestId = null, Exception? innerException = null)
        : base($"{service} {operation} failed with {errorCode}: {message}", innerException)
    {
        Service = service;
        Operation = operation;
        ErrorCode = errorCode;
        AwsMessage = message;
        StatusCode = statusCode;
        RequestId = requestId;
    }

    /// <summary>Wraps an AWS SDK failure, keeping its error code, status and request id.</summary>
    /// <param name="service">The service, for example <c>s3</c>.</param>
    /// <param name="operation">The operation that failed.</param>
    /// <param name="exception">The SDK's exception.</param>
    /// <param name="message">A clearer message than the SDK's, such as which permission is missing.</param>
    public static AwsApiException FromSdk(string service, string operation, AmazonServiceException exception, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new AwsApiException(service, operation, exception.ErrorCode ?? "Unknown", message ?? exception.Message, exception.StatusCode, exception.RequestId, exception);
    }

    /// <summary>
    /// Wraps a failure before any answer from AWS: <c>NoCredentials</c> when the credential chain found nothing,
    /// <c>NetworkError</c> otherwise.
    /// </summary>
    /// <param name="service">The service, for example <c>sts</c>.</param>
    /// <param name="operation">The operation that failed.</param>
    /// <param name="exception">The SDK's or the network's exception.</param>
    public static AwsApiException FromClient(string service, string operation, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var code = exception is Signing.MissingCredentialsException ? "NoCredentials" : "NetworkError";
        return new AwsApiException(service, operation, code, exception.Message, innerException: exception);
    }

    /// <summary>The service, for example <c>iam</c>.</summary>
    public string Service { get; }

    /// <summary>The API operation, for example <c>CreateRole</c>.</summary>
    public string Operation { get; }

    /// <summary>The AWS error code, for example <c>AccessDenied</c> or <c>EntityAlreadyExists</c>.</summary>
    public string ErrorCode { get; }

    /// <summary>The message AWS returned.</summary>
    public string AwsMessage { get; }

    /// <summary>The HTTP status, when a response arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The AWS request id, when a response arrived.</summary>
    public string? RequestId { get; }

    /// <summary>
    /// True for throttling, timeouts and server errors, which are worth another try, as the AWS SDKs' standard retry
    /// mode has them (SNS throttles with <c>Throttled</c> and HTTP 429).
    /// </summary>
    public bool IsRetryable =>
        StatusCode is >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests
        || ErrorCode is "Throttling" or "ThrottlingException" or "ThrottledException" or "Throttled" or "TooManyRequestsException"
            or "RequestLimitExceeded" or "RequestThrottled" or "RequestThrottledException" or "ProvisionedThroughputExceededException"
            or "BandwidthLimitExceeded" or "EC2ThrottledException" or "SlowDown" or "ServiceUnavailable" or "InternalFailure"
            or "InternalError" or "RequestTimeout" or "RequestTimeoutException" or "PriorRequestNotComplete";

    /// <summary>An error AWS gives when the request's signing time is too far from its own clock.</summary>
    public bool IsClockSkew =>
        ErrorCode is "RequestTimeTooSkewed" or "RequestExpired" or "InvalidSignatureException" or "SignatureDoesNotMatch"
            or "AuthFailure" or "RequestInTheFuture";
}
