package io.quantlane.nn;

import java.io.IOException;
import java.nio.file.Path;

/** A model file that cannot be read: damaged, truncated, of an unknown version, or not a model file at all. */
public final class ModelFileException extends IOException {

    private static final long serialVersionUID = 1L;

    ModelFileException(Path path, String reason) {
        super(path + ": " + reason);
    }

    ModelFileException(Path path, String reason, Throwable cause) {
        super(path + ": " + reason, cause);
    }
}
