import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace livemig. */
export namespace livemig {

    /** Namespace devices. */
    namespace devices {

        /**
         * Properties of a RamData.
         * @deprecated Use livemig.devices.RamData.$Properties instead.
         */
        interface IRamData extends livemig.devices.RamData.$Properties {
        }

        /** Represents a RamData. */
        class RamData {

            /**
             * Constructs a new RamData.
             * @param [properties] Properties to set
             */
            constructor(properties?: livemig.devices.RamData.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RamData normalRuns. */
            normalRuns: number[];

            /** RamData zeroRuns. */
            zeroRuns: number[];

            /** RamData pageSize. */
            pageSize: number;

            /** RamData totalBytes. */
            totalBytes: number;

            /** RamData seq. */
            seq: number;

            /**
             * Creates a new RamData instance using the specified properties.
             * @param [properties] Properties to set
             * @returns RamData instance
             */
            static create(properties: livemig.devices.RamData.$Shape): livemig.devices.RamData & livemig.devices.RamData.$Shape;
            static create(properties?: livemig.devices.RamData.$Properties): livemig.devices.RamData;

            /**
             * Encodes the specified RamData message. Does not implicitly {@link livemig.devices.RamData.verify|verify} messages.
             * @param message RamData message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: livemig.devices.RamData.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a RamData message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {livemig.devices.RamData & livemig.devices.RamData.$Shape} RamData
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.devices.RamData & livemig.devices.RamData.$Shape;

            /**
             * Gets the type url for RamData
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace RamData {

            /** Properties of a RamData. */
            interface $Properties {

                /** RamData normalRuns */
                normalRuns?: (number[]|null);

                /** RamData zeroRuns */
                zeroRuns?: (number[]|null);

                /** RamData pageSize */
                pageSize?: (number|null);

                /** RamData totalBytes */
                totalBytes?: (number|null);

                /** RamData seq */
                seq?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RamData. */
            type $Shape = livemig.devices.RamData.$Properties;
        }

        /** AccelChunkKind enum. */
        enum AccelChunkKind {

            /** ACCEL_CHUNK_UNSPECIFIED value */
            ACCEL_CHUNK_UNSPECIFIED = 0,

            /** ACCEL_SETUP value */
            ACCEL_SETUP = 1,

            /** ACCEL_INIT_DATA value */
            ACCEL_INIT_DATA = 2,

            /** ACCEL_RESOURCE_DATA value */
            ACCEL_RESOURCE_DATA = 3,

            /** ACCEL_DEVICE_STATE value */
            ACCEL_DEVICE_STATE = 4,

            /** ACCEL_NO_DATA value */
            ACCEL_NO_DATA = 5
        }

        /**
         * Properties of an AccelData.
         * @deprecated Use livemig.devices.AccelData.$Properties instead.
         */
        interface IAccelData extends livemig.devices.AccelData.$Properties {
        }

        /** Represents an AccelData. */
        class AccelData {

            /**
             * Constructs a new AccelData.
             * @param [properties] Properties to set
             */
            constructor(properties?: livemig.devices.AccelData.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** AccelData kind. */
            kind: livemig.devices.AccelChunkKind;

            /** AccelData resource. */
            resource: number;

            /** AccelData offset. */
            offset: number;

            /** AccelData initDataSent. */
            initDataSent: boolean;

            /** AccelData reinit. */
            reinit: number;

            /** AccelData resources. */
            resources: number;

            /** AccelData seq. */
            seq: number;

            /**
             * Creates a new AccelData instance using the specified properties.
             * @param [properties] Properties to set
             * @returns AccelData instance
             */
            static create(properties: livemig.devices.AccelData.$Shape): livemig.devices.AccelData & livemig.devices.AccelData.$Shape;
            static create(properties?: livemig.devices.AccelData.$Properties): livemig.devices.AccelData;

            /**
             * Encodes the specified AccelData message. Does not implicitly {@link livemig.devices.AccelData.verify|verify} messages.
             * @param message AccelData message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: livemig.devices.AccelData.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an AccelData message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {livemig.devices.AccelData & livemig.devices.AccelData.$Shape} AccelData
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.devices.AccelData & livemig.devices.AccelData.$Shape;

            /**
             * Gets the type url for AccelData
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace AccelData {

            /** Properties of an AccelData. */
            interface $Properties {

                /** AccelData kind */
                kind?: (livemig.devices.AccelChunkKind|null);

                /** AccelData resource */
                resource?: (number|null);

                /** AccelData offset */
                offset?: (number|null);

                /** AccelData initDataSent */
                initDataSent?: (boolean|null);

                /** AccelData reinit */
                reinit?: (number|null);

                /** AccelData resources */
                resources?: (number|null);

                /** AccelData seq */
                seq?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an AccelData. */
            type $Shape = livemig.devices.AccelData.$Properties;
        }

        /**
         * Properties of a CpuData.
         * @deprecated Use livemig.devices.CpuData.$Properties instead.
         */
        interface ICpuData extends livemig.devices.CpuData.$Properties {
        }

        /** Represents a CpuData. */
        class CpuData {

            /**
             * Constructs a new CpuData.
             * @param [properties] Properties to set
             */
            constructor(properties?: livemig.devices.CpuData.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** CpuData vcpus. */
            vcpus: number;

            /**
             * Creates a new CpuData instance using the specified properties.
             * @param [properties] Properties to set
             * @returns CpuData instance
             */
            static create(properties: livemig.devices.CpuData.$Shape): livemig.devices.CpuData & livemig.devices.CpuData.$Shape;
            static create(properties?: livemig.devices.CpuData.$Properties): livemig.devices.CpuData;

            /**
             * Encodes the specified CpuData message. Does not implicitly {@link livemig.devices.CpuData.verify|verify} messages.
             * @param message CpuData message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: livemig.devices.CpuData.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a CpuData message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {livemig.devices.CpuData & livemig.devices.CpuData.$Shape} CpuData
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.devices.CpuData & livemig.devices.CpuData.$Shape;

            /**
             * Gets the type url for CpuData
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace CpuData {

            /** Properties of a CpuData. */
            interface $Properties {

                /** CpuData vcpus */
                vcpus?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a CpuData. */
            type $Shape = livemig.devices.CpuData.$Properties;
        }
    }

    /**
     * Properties of a Frame.
     * @deprecated Use livemig.Frame.$Properties instead.
     */
    interface IFrame extends livemig.Frame.$Properties {
    }

    /** Represents a Frame. */
    class Frame {

        /**
         * Constructs a new Frame.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.Frame.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Frame header. */
        header?: (livemig.StreamHeader.$Properties|null);

        /** Frame configuration. */
        configuration?: (livemig.Configuration.$Properties|null);

        /** Frame section. */
        section?: (livemig.Section.$Properties|null);

        /** Frame command. */
        command?: (livemig.Command.$Properties|null);

        /** Frame verify. */
        verify?: (livemig.Verify.$Properties|null);

        /** Frame eof. */
        eof?: (livemig.Eof.$Properties|null);

        /** Frame authResponse. */
        authResponse?: (livemig.AuthResponse.$Properties|null);

        /** Frame multifdSync. */
        multifdSync?: (livemig.MultifdSync.$Properties|null);

        /** Frame payloadLength. */
        payloadLength: number;

        /** Frame body. */
        body?: ("header"|"configuration"|"section"|"command"|"verify"|"eof"|"authResponse"|"multifdSync");

        /**
         * Creates a new Frame instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Frame instance
         */
        static create(properties: livemig.Frame.$Shape): livemig.Frame & livemig.Frame.$Shape;
        static create(properties?: livemig.Frame.$Properties): livemig.Frame;

        /**
         * Encodes the specified Frame message. Does not implicitly {@link livemig.Frame.verify|verify} messages.
         * @param message Frame message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.Frame.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Frame message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.Frame & livemig.Frame.$Shape} Frame
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.Frame & livemig.Frame.$Shape;

        /**
         * Gets the type url for Frame
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Frame {

        /** Properties of a Frame. */
        interface $Properties {

            /** Frame header */
            header?: (livemig.StreamHeader.$Properties|null);

            /** Frame configuration */
            configuration?: (livemig.Configuration.$Properties|null);

            /** Frame section */
            section?: (livemig.Section.$Properties|null);

            /** Frame command */
            command?: (livemig.Command.$Properties|null);

            /** Frame verify */
            verify?: (livemig.Verify.$Properties|null);

            /** Frame eof */
            eof?: (livemig.Eof.$Properties|null);

            /** Frame authResponse */
            authResponse?: (livemig.AuthResponse.$Properties|null);

            /** Frame multifdSync */
            multifdSync?: (livemig.MultifdSync.$Properties|null);

            /** Frame payloadLength */
            payloadLength?: (number|null);

            /** Frame body */
            body?: ("header"|"configuration"|"section"|"command"|"verify"|"eof"|"authResponse"|"multifdSync");

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Narrowed shape of a Frame. */
        type $Shape = {
          header?: livemig.StreamHeader.$Shape|null;
          configuration?: livemig.Configuration.$Shape|null;
          section?: livemig.Section.$Shape|null;
          command?: livemig.Command.$Shape|null;
          verify?: livemig.Verify.$Shape|null;
          eof?: livemig.Eof.$Shape|null;
          authResponse?: livemig.AuthResponse.$Shape|null;
          multifdSync?: livemig.MultifdSync.$Shape|null;
          payloadLength?: number|null;
          $unknowns?: Uint8Array[];
        } & (
          ({ body?: undefined; header?: null; configuration?: null; section?: null; command?: null; verify?: null; eof?: null; authResponse?: null; multifdSync?: null }|{ body?: "header"; header: livemig.StreamHeader.$Shape; configuration?: null; section?: null; command?: null; verify?: null; eof?: null; authResponse?: null; multifdSync?: null }|{ body?: "configuration"; header?: null; configuration: livemig.Configuration.$Shape; section?: null; command?: null; verify?: null; eof?: null; authResponse?: null; multifdSync?: null }|{ body?: "section"; header?: null; configuration?: null; section: livemig.Section.$Shape; command?: null; verify?: null; eof?: null; authResponse?: null; multifdSync?: null }|{ body?: "command"; header?: null; configuration?: null; section?: null; command: livemig.Command.$Shape; verify?: null; eof?: null; authResponse?: null; multifdSync?: null }|{ body?: "verify"; header?: null; configuration?: null; section?: null; command?: null; verify: livemig.Verify.$Shape; eof?: null; authResponse?: null; multifdSync?: null }|{ body?: "eof"; header?: null; configuration?: null; section?: null; command?: null; verify?: null; eof: livemig.Eof.$Shape; authResponse?: null; multifdSync?: null }|{ body?: "authResponse"; header?: null; configuration?: null; section?: null; command?: null; verify?: null; eof?: null; authResponse: livemig.AuthResponse.$Shape; multifdSync?: null }|{ body?: "multifdSync"; header?: null; configuration?: null; section?: null; command?: null; verify?: null; eof?: null; authResponse?: null; multifdSync: livemig.MultifdSync.$Shape })
        );
    }

    /**
     * Properties of a StreamHeader.
     * @deprecated Use livemig.StreamHeader.$Properties instead.
     */
    interface IStreamHeader extends livemig.StreamHeader.$Properties {
    }

    /** Represents a StreamHeader. */
    class StreamHeader {

        /**
         * Constructs a new StreamHeader.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.StreamHeader.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** StreamHeader magic. */
        magic: number;

        /** StreamHeader version. */
        version: number;

        /** StreamHeader authNonce. */
        authNonce: Uint8Array;

        /** StreamHeader multifd. */
        multifd?: (livemig.MultifdHello.$Properties|null);

        /** StreamHeader resume. */
        resume?: (livemig.ResumeHello.$Properties|null);

        /** StreamHeader abandons. */
        abandons: Uint8Array[];

        /**
         * Creates a new StreamHeader instance using the specified properties.
         * @param [properties] Properties to set
         * @returns StreamHeader instance
         */
        static create(properties: livemig.StreamHeader.$Shape): livemig.StreamHeader & livemig.StreamHeader.$Shape;
        static create(properties?: livemig.StreamHeader.$Properties): livemig.StreamHeader;

        /**
         * Encodes the specified StreamHeader message. Does not implicitly {@link livemig.StreamHeader.verify|verify} messages.
         * @param message StreamHeader message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.StreamHeader.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a StreamHeader message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.StreamHeader & livemig.StreamHeader.$Shape} StreamHeader
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.StreamHeader & livemig.StreamHeader.$Shape;

        /**
         * Gets the type url for StreamHeader
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace StreamHeader {

        /** Properties of a StreamHeader. */
        interface $Properties {

            /** StreamHeader magic */
            magic?: (number|null);

            /** StreamHeader version */
            version?: (number|null);

            /** StreamHeader authNonce */
            authNonce?: (Uint8Array|null);

            /** StreamHeader multifd */
            multifd?: (livemig.MultifdHello.$Properties|null);

            /** StreamHeader resume */
            resume?: (livemig.ResumeHello.$Properties|null);

            /** StreamHeader abandons */
            abandons?: (Uint8Array[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a StreamHeader. */
        type $Shape = livemig.StreamHeader.$Properties;
    }

    /**
     * Properties of a ResumeHello.
     * @deprecated Use livemig.ResumeHello.$Properties instead.
     */
    interface IResumeHello extends livemig.ResumeHello.$Properties {
    }

    /** Represents a ResumeHello. */
    class ResumeHello {

        /**
         * Constructs a new ResumeHello.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.ResumeHello.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** ResumeHello migrationId. */
        migrationId: Uint8Array;

        /**
         * Creates a new ResumeHello instance using the specified properties.
         * @param [properties] Properties to set
         * @returns ResumeHello instance
         */
        static create(properties: livemig.ResumeHello.$Shape): livemig.ResumeHello & livemig.ResumeHello.$Shape;
        static create(properties?: livemig.ResumeHello.$Properties): livemig.ResumeHello;

        /**
         * Encodes the specified ResumeHello message. Does not implicitly {@link livemig.ResumeHello.verify|verify} messages.
         * @param message ResumeHello message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.ResumeHello.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a ResumeHello message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.ResumeHello & livemig.ResumeHello.$Shape} ResumeHello
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.ResumeHello & livemig.ResumeHello.$Shape;

        /**
         * Gets the type url for ResumeHello
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace ResumeHello {

        /** Properties of a ResumeHello. */
        interface $Properties {

            /** ResumeHello migrationId */
            migrationId?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a ResumeHello. */
        type $Shape = livemig.ResumeHello.$Properties;
    }

    /**
     * Properties of an AuthResponse.
     * @deprecated Use livemig.AuthResponse.$Properties instead.
     */
    interface IAuthResponse extends livemig.AuthResponse.$Properties {
    }

    /** Represents an AuthResponse. */
    class AuthResponse {

        /**
         * Constructs a new AuthResponse.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.AuthResponse.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** AuthResponse mac. */
        mac: Uint8Array;

        /**
         * Creates a new AuthResponse instance using the specified properties.
         * @param [properties] Properties to set
         * @returns AuthResponse instance
         */
        static create(properties: livemig.AuthResponse.$Shape): livemig.AuthResponse & livemig.AuthResponse.$Shape;
        static create(properties?: livemig.AuthResponse.$Properties): livemig.AuthResponse;

        /**
         * Encodes the specified AuthResponse message. Does not implicitly {@link livemig.AuthResponse.verify|verify} messages.
         * @param message AuthResponse message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.AuthResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an AuthResponse message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.AuthResponse & livemig.AuthResponse.$Shape} AuthResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.AuthResponse & livemig.AuthResponse.$Shape;

        /**
         * Gets the type url for AuthResponse
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace AuthResponse {

        /** Properties of an AuthResponse. */
        interface $Properties {

            /** AuthResponse mac */
            mac?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an AuthResponse. */
        type $Shape = livemig.AuthResponse.$Properties;
    }

    /**
     * Properties of a Configuration.
     * @deprecated Use livemig.Configuration.$Properties instead.
     */
    interface IConfiguration extends livemig.Configuration.$Properties {
    }

    /** Represents a Configuration. */
    class Configuration {

        /**
         * Constructs a new Configuration.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.Configuration.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Configuration devices. */
        devices: livemig.DeviceConfig.$Properties[];

        /** Configuration capabilities. */
        capabilities?: (livemig.Capabilities.$Properties|null);

        /** Configuration migrationId. */
        migrationId: Uint8Array;

        /** Configuration multifdChannels. */
        multifdChannels: number;

        /** Configuration multifdCompression. */
        multifdCompression: string;

        /**
         * Creates a new Configuration instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Configuration instance
         */
        static create(properties: livemig.Configuration.$Shape): livemig.Configuration & livemig.Configuration.$Shape;
        static create(properties?: livemig.Configuration.$Properties): livemig.Configuration;

        /**
         * Encodes the specified Configuration message. Does not implicitly {@link livemig.Configuration.verify|verify} messages.
         * @param message Configuration message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.Configuration.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Configuration message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.Configuration & livemig.Configuration.$Shape} Configuration
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.Configuration & livemig.Configuration.$Shape;

        /**
         * Gets the type url for Configuration
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Configuration {

        /** Properties of a Configuration. */
        interface $Properties {

            /** Configuration devices */
            devices?: (livemig.DeviceConfig.$Properties[]|null);

            /** Configuration capabilities */
            capabilities?: (livemig.Capabilities.$Properties|null);

            /** Configuration migrationId */
            migrationId?: (Uint8Array|null);

            /** Configuration multifdChannels */
            multifdChannels?: (number|null);

            /** Configuration multifdCompression */
            multifdCompression?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Configuration. */
        type $Shape = livemig.Configuration.$Properties;
    }

    /**
     * Properties of a Capabilities.
     * @deprecated Use livemig.Capabilities.$Properties instead.
     */
    interface ICapabilities extends livemig.Capabilities.$Properties {
    }

    /** Represents a Capabilities. */
    class Capabilities {

        /**
         * Constructs a new Capabilities.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.Capabilities.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Capabilities returnPath. */
        returnPath: boolean;

        /** Capabilities switchoverAck. */
        switchoverAck: boolean;

        /** Capabilities multifd. */
        multifd: boolean;

        /** Capabilities verify. */
        verify: boolean;

        /** Capabilities precopyResume. */
        precopyResume: boolean;

        /**
         * Creates a new Capabilities instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Capabilities instance
         */
        static create(properties: livemig.Capabilities.$Shape): livemig.Capabilities & livemig.Capabilities.$Shape;
        static create(properties?: livemig.Capabilities.$Properties): livemig.Capabilities;

        /**
         * Encodes the specified Capabilities message. Does not implicitly {@link livemig.Capabilities.verify|verify} messages.
         * @param message Capabilities message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.Capabilities.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Capabilities message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.Capabilities & livemig.Capabilities.$Shape} Capabilities
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.Capabilities & livemig.Capabilities.$Shape;

        /**
         * Gets the type url for Capabilities
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Capabilities {

        /** Properties of a Capabilities. */
        interface $Properties {

            /** Capabilities returnPath */
            returnPath?: (boolean|null);

            /** Capabilities switchoverAck */
            switchoverAck?: (boolean|null);

            /** Capabilities multifd */
            multifd?: (boolean|null);

            /** Capabilities verify */
            verify?: (boolean|null);

            /** Capabilities precopyResume */
            precopyResume?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Capabilities. */
        type $Shape = livemig.Capabilities.$Properties;
    }

    /**
     * Properties of a DeviceConfig.
     * @deprecated Use livemig.DeviceConfig.$Properties instead.
     */
    interface IDeviceConfig extends livemig.DeviceConfig.$Properties {
    }

    /** Represents a DeviceConfig. */
    class DeviceConfig {

        /**
         * Constructs a new DeviceConfig.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.DeviceConfig.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** DeviceConfig id. */
        id: string;

        /** DeviceConfig type. */
        type: string;

        /** DeviceConfig version. */
        version: number;

        /** DeviceConfig shape. */
        shape: string;

        /**
         * Creates a new DeviceConfig instance using the specified properties.
         * @param [properties] Properties to set
         * @returns DeviceConfig instance
         */
        static create(properties: livemig.DeviceConfig.$Shape): livemig.DeviceConfig & livemig.DeviceConfig.$Shape;
        static create(properties?: livemig.DeviceConfig.$Properties): livemig.DeviceConfig;

        /**
         * Encodes the specified DeviceConfig message. Does not implicitly {@link livemig.DeviceConfig.verify|verify} messages.
         * @param message DeviceConfig message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.DeviceConfig.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a DeviceConfig message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.DeviceConfig & livemig.DeviceConfig.$Shape} DeviceConfig
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.DeviceConfig & livemig.DeviceConfig.$Shape;

        /**
         * Gets the type url for DeviceConfig
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace DeviceConfig {

        /** Properties of a DeviceConfig. */
        interface $Properties {

            /** DeviceConfig id */
            id?: (string|null);

            /** DeviceConfig type */
            type?: (string|null);

            /** DeviceConfig version */
            version?: (number|null);

            /** DeviceConfig shape */
            shape?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a DeviceConfig. */
        type $Shape = livemig.DeviceConfig.$Properties;
    }

    /** SectionType enum. */
    enum SectionType {

        /** SECTION_TYPE_UNSPECIFIED value */
        SECTION_TYPE_UNSPECIFIED = 0,

        /** SECTION_START value */
        SECTION_START = 1,

        /** SECTION_PART value */
        SECTION_PART = 2,

        /** SECTION_END value */
        SECTION_END = 3,

        /** SECTION_FULL value */
        SECTION_FULL = 4
    }

    /**
     * Properties of a Section.
     * @deprecated Use livemig.Section.$Properties instead.
     */
    interface ISection extends livemig.Section.$Properties {
    }

    /** Represents a Section. */
    class Section {

        /**
         * Constructs a new Section.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.Section.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Section type. */
        type: livemig.SectionType;

        /** Section sectionId. */
        sectionId: number;

        /** Section deviceId. */
        deviceId: string;

        /** Section version. */
        version: number;

        /** Section deviceType. */
        deviceType: string;

        /** Section header. */
        header: Uint8Array;

        /** Section compressed. */
        compressed: boolean;

        /** Section rawLength. */
        rawLength: number;

        /**
         * Creates a new Section instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Section instance
         */
        static create(properties: livemig.Section.$Shape): livemig.Section & livemig.Section.$Shape;
        static create(properties?: livemig.Section.$Properties): livemig.Section;

        /**
         * Encodes the specified Section message. Does not implicitly {@link livemig.Section.verify|verify} messages.
         * @param message Section message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.Section.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Section message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.Section & livemig.Section.$Shape} Section
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.Section & livemig.Section.$Shape;

        /**
         * Gets the type url for Section
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Section {

        /** Properties of a Section. */
        interface $Properties {

            /** Section type */
            type?: (livemig.SectionType|null);

            /** Section sectionId */
            sectionId?: (number|null);

            /** Section deviceId */
            deviceId?: (string|null);

            /** Section version */
            version?: (number|null);

            /** Section deviceType */
            deviceType?: (string|null);

            /** Section header */
            header?: (Uint8Array|null);

            /** Section compressed */
            compressed?: (boolean|null);

            /** Section rawLength */
            rawLength?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Section. */
        type $Shape = livemig.Section.$Properties;
    }

    /** CommandType enum. */
    enum CommandType {

        /** COMMAND_UNSPECIFIED value */
        COMMAND_UNSPECIFIED = 0,

        /** CMD_OPEN_RETURN_PATH value */
        CMD_OPEN_RETURN_PATH = 1,

        /** CMD_PING value */
        CMD_PING = 2,

        /** CMD_SWITCHOVER_START value */
        CMD_SWITCHOVER_START = 3,

        /** CMD_RESUME value */
        CMD_RESUME = 4,

        /** CMD_MULTIFD_SYNC value */
        CMD_MULTIFD_SYNC = 5
    }

    /**
     * Properties of a Command.
     * @deprecated Use livemig.Command.$Properties instead.
     */
    interface ICommand extends livemig.Command.$Properties {
    }

    /** Represents a Command. */
    class Command {

        /**
         * Constructs a new Command.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.Command.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Command type. */
        type: livemig.CommandType;

        /** Command value. */
        value: number;

        /**
         * Creates a new Command instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Command instance
         */
        static create(properties: livemig.Command.$Shape): livemig.Command & livemig.Command.$Shape;
        static create(properties?: livemig.Command.$Properties): livemig.Command;

        /**
         * Encodes the specified Command message. Does not implicitly {@link livemig.Command.verify|verify} messages.
         * @param message Command message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.Command.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Command message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.Command & livemig.Command.$Shape} Command
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.Command & livemig.Command.$Shape;

        /**
         * Gets the type url for Command
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Command {

        /** Properties of a Command. */
        interface $Properties {

            /** Command type */
            type?: (livemig.CommandType|null);

            /** Command value */
            value?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Command. */
        type $Shape = livemig.Command.$Properties;
    }

    /**
     * Properties of a MultifdHello.
     * @deprecated Use livemig.MultifdHello.$Properties instead.
     */
    interface IMultifdHello extends livemig.MultifdHello.$Properties {
    }

    /** Represents a MultifdHello. */
    class MultifdHello {

        /**
         * Constructs a new MultifdHello.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.MultifdHello.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** MultifdHello migrationId. */
        migrationId: Uint8Array;

        /** MultifdHello channel. */
        channel: number;

        /**
         * Creates a new MultifdHello instance using the specified properties.
         * @param [properties] Properties to set
         * @returns MultifdHello instance
         */
        static create(properties: livemig.MultifdHello.$Shape): livemig.MultifdHello & livemig.MultifdHello.$Shape;
        static create(properties?: livemig.MultifdHello.$Properties): livemig.MultifdHello;

        /**
         * Encodes the specified MultifdHello message. Does not implicitly {@link livemig.MultifdHello.verify|verify} messages.
         * @param message MultifdHello message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.MultifdHello.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a MultifdHello message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.MultifdHello & livemig.MultifdHello.$Shape} MultifdHello
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.MultifdHello & livemig.MultifdHello.$Shape;

        /**
         * Gets the type url for MultifdHello
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace MultifdHello {

        /** Properties of a MultifdHello. */
        interface $Properties {

            /** MultifdHello migrationId */
            migrationId?: (Uint8Array|null);

            /** MultifdHello channel */
            channel?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a MultifdHello. */
        type $Shape = livemig.MultifdHello.$Properties;
    }

    /**
     * Properties of a MultifdSync.
     * @deprecated Use livemig.MultifdSync.$Properties instead.
     */
    interface IMultifdSync extends livemig.MultifdSync.$Properties {
    }

    /** Represents a MultifdSync. */
    class MultifdSync {

        /**
         * Constructs a new MultifdSync.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.MultifdSync.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** MultifdSync seq. */
        seq: number;

        /**
         * Creates a new MultifdSync instance using the specified properties.
         * @param [properties] Properties to set
         * @returns MultifdSync instance
         */
        static create(properties: livemig.MultifdSync.$Shape): livemig.MultifdSync & livemig.MultifdSync.$Shape;
        static create(properties?: livemig.MultifdSync.$Properties): livemig.MultifdSync;

        /**
         * Encodes the specified MultifdSync message. Does not implicitly {@link livemig.MultifdSync.verify|verify} messages.
         * @param message MultifdSync message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.MultifdSync.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a MultifdSync message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.MultifdSync & livemig.MultifdSync.$Shape} MultifdSync
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.MultifdSync & livemig.MultifdSync.$Shape;

        /**
         * Gets the type url for MultifdSync
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace MultifdSync {

        /** Properties of a MultifdSync. */
        interface $Properties {

            /** MultifdSync seq */
            seq?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a MultifdSync. */
        type $Shape = livemig.MultifdSync.$Properties;
    }

    /**
     * Properties of a DeviceDigest.
     * @deprecated Use livemig.DeviceDigest.$Properties instead.
     */
    interface IDeviceDigest extends livemig.DeviceDigest.$Properties {
    }

    /** Represents a DeviceDigest. */
    class DeviceDigest {

        /**
         * Constructs a new DeviceDigest.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.DeviceDigest.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** DeviceDigest deviceId. */
        deviceId: string;

        /** DeviceDigest digest. */
        digest: Uint8Array;

        /**
         * Creates a new DeviceDigest instance using the specified properties.
         * @param [properties] Properties to set
         * @returns DeviceDigest instance
         */
        static create(properties: livemig.DeviceDigest.$Shape): livemig.DeviceDigest & livemig.DeviceDigest.$Shape;
        static create(properties?: livemig.DeviceDigest.$Properties): livemig.DeviceDigest;

        /**
         * Encodes the specified DeviceDigest message. Does not implicitly {@link livemig.DeviceDigest.verify|verify} messages.
         * @param message DeviceDigest message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.DeviceDigest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a DeviceDigest message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.DeviceDigest & livemig.DeviceDigest.$Shape} DeviceDigest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.DeviceDigest & livemig.DeviceDigest.$Shape;

        /**
         * Gets the type url for DeviceDigest
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace DeviceDigest {

        /** Properties of a DeviceDigest. */
        interface $Properties {

            /** DeviceDigest deviceId */
            deviceId?: (string|null);

            /** DeviceDigest digest */
            digest?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a DeviceDigest. */
        type $Shape = livemig.DeviceDigest.$Properties;
    }

    /**
     * Properties of a Verify.
     * @deprecated Use livemig.Verify.$Properties instead.
     */
    interface IVerify extends livemig.Verify.$Properties {
    }

    /** Represents a Verify. */
    class Verify {

        /**
         * Constructs a new Verify.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.Verify.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Verify digests. */
        digests: livemig.DeviceDigest.$Properties[];

        /**
         * Creates a new Verify instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Verify instance
         */
        static create(properties: livemig.Verify.$Shape): livemig.Verify & livemig.Verify.$Shape;
        static create(properties?: livemig.Verify.$Properties): livemig.Verify;

        /**
         * Encodes the specified Verify message. Does not implicitly {@link livemig.Verify.verify|verify} messages.
         * @param message Verify message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.Verify.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Verify message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.Verify & livemig.Verify.$Shape} Verify
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.Verify & livemig.Verify.$Shape;

        /**
         * Gets the type url for Verify
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Verify {

        /** Properties of a Verify. */
        interface $Properties {

            /** Verify digests */
            digests?: (livemig.DeviceDigest.$Properties[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Verify. */
        type $Shape = livemig.Verify.$Properties;
    }

    /**
     * Properties of an Eof.
     * @deprecated Use livemig.Eof.$Properties instead.
     */
    interface IEof extends livemig.Eof.$Properties {
    }

    /** Represents an Eof. */
    class Eof {

        /**
         * Constructs a new Eof.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.Eof.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Eof sourcePaused. */
        sourcePaused: boolean;

        /**
         * Creates a new Eof instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Eof instance
         */
        static create(properties: livemig.Eof.$Shape): livemig.Eof & livemig.Eof.$Shape;
        static create(properties?: livemig.Eof.$Properties): livemig.Eof;

        /**
         * Encodes the specified Eof message. Does not implicitly {@link livemig.Eof.verify|verify} messages.
         * @param message Eof message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.Eof.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an Eof message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.Eof & livemig.Eof.$Shape} Eof
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.Eof & livemig.Eof.$Shape;

        /**
         * Gets the type url for Eof
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Eof {

        /** Properties of an Eof. */
        interface $Properties {

            /** Eof sourcePaused */
            sourcePaused?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an Eof. */
        type $Shape = livemig.Eof.$Properties;
    }

    /**
     * Properties of a RpMessage.
     * @deprecated Use livemig.RpMessage.$Properties instead.
     */
    interface IRpMessage extends livemig.RpMessage.$Properties {
    }

    /** Represents a RpMessage. */
    class RpMessage {

        /**
         * Constructs a new RpMessage.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.RpMessage.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** RpMessage shut. */
        shut?: (livemig.Shut.$Properties|null);

        /** RpMessage pong. */
        pong?: (livemig.Pong.$Properties|null);

        /** RpMessage switchoverAck. */
        switchoverAck?: (livemig.SwitchoverAck.$Properties|null);

        /** RpMessage resumed. */
        resumed?: (livemig.Resumed.$Properties|null);

        /** RpMessage deviceApproved. */
        deviceApproved?: (livemig.DeviceApproved.$Properties|null);

        /** RpMessage authChallenge. */
        authChallenge?: (livemig.AuthChallenge.$Properties|null);

        /** RpMessage loaded. */
        loaded?: (livemig.Loaded.$Properties|null);

        /** RpMessage configAccepted. */
        configAccepted?: (livemig.ConfigAccepted.$Properties|null);

        /** RpMessage recvBitmap. */
        recvBitmap?: (livemig.RecvBitmap.$Properties|null);

        /** RpMessage resumeAck. */
        resumeAck?: (livemig.ResumeAck.$Properties|null);

        /** RpMessage body. */
        body?: ("shut"|"pong"|"switchoverAck"|"resumed"|"deviceApproved"|"authChallenge"|"loaded"|"configAccepted"|"recvBitmap"|"resumeAck");

        /**
         * Creates a new RpMessage instance using the specified properties.
         * @param [properties] Properties to set
         * @returns RpMessage instance
         */
        static create(properties: livemig.RpMessage.$Shape): livemig.RpMessage & livemig.RpMessage.$Shape;
        static create(properties?: livemig.RpMessage.$Properties): livemig.RpMessage;

        /**
         * Encodes the specified RpMessage message. Does not implicitly {@link livemig.RpMessage.verify|verify} messages.
         * @param message RpMessage message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.RpMessage.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a RpMessage message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.RpMessage & livemig.RpMessage.$Shape} RpMessage
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.RpMessage & livemig.RpMessage.$Shape;

        /**
         * Gets the type url for RpMessage
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace RpMessage {

        /** Properties of a RpMessage. */
        interface $Properties {

            /** RpMessage shut */
            shut?: (livemig.Shut.$Properties|null);

            /** RpMessage pong */
            pong?: (livemig.Pong.$Properties|null);

            /** RpMessage switchoverAck */
            switchoverAck?: (livemig.SwitchoverAck.$Properties|null);

            /** RpMessage resumed */
            resumed?: (livemig.Resumed.$Properties|null);

            /** RpMessage deviceApproved */
            deviceApproved?: (livemig.DeviceApproved.$Properties|null);

            /** RpMessage authChallenge */
            authChallenge?: (livemig.AuthChallenge.$Properties|null);

            /** RpMessage loaded */
            loaded?: (livemig.Loaded.$Properties|null);

            /** RpMessage configAccepted */
            configAccepted?: (livemig.ConfigAccepted.$Properties|null);

            /** RpMessage recvBitmap */
            recvBitmap?: (livemig.RecvBitmap.$Properties|null);

            /** RpMessage resumeAck */
            resumeAck?: (livemig.ResumeAck.$Properties|null);

            /** RpMessage body */
            body?: ("shut"|"pong"|"switchoverAck"|"resumed"|"deviceApproved"|"authChallenge"|"loaded"|"configAccepted"|"recvBitmap"|"resumeAck");

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Narrowed shape of a RpMessage. */
        type $Shape = {
          shut?: livemig.Shut.$Shape|null;
          pong?: livemig.Pong.$Shape|null;
          switchoverAck?: livemig.SwitchoverAck.$Shape|null;
          resumed?: livemig.Resumed.$Shape|null;
          deviceApproved?: livemig.DeviceApproved.$Shape|null;
          authChallenge?: livemig.AuthChallenge.$Shape|null;
          loaded?: livemig.Loaded.$Shape|null;
          configAccepted?: livemig.ConfigAccepted.$Shape|null;
          recvBitmap?: livemig.RecvBitmap.$Shape|null;
          resumeAck?: livemig.ResumeAck.$Shape|null;
          $unknowns?: Uint8Array[];
        } & (
          ({ body?: undefined; shut?: null; pong?: null; switchoverAck?: null; resumed?: null; deviceApproved?: null; authChallenge?: null; loaded?: null; configAccepted?: null; recvBitmap?: null; resumeAck?: null }|{ body?: "shut"; shut: livemig.Shut.$Shape; pong?: null; switchoverAck?: null; resumed?: null; deviceApproved?: null; authChallenge?: null; loaded?: null; configAccepted?: null; recvBitmap?: null; resumeAck?: null }|{ body?: "pong"; shut?: null; pong: livemig.Pong.$Shape; switchoverAck?: null; resumed?: null; deviceApproved?: null; authChallenge?: null; loaded?: null; configAccepted?: null; recvBitmap?: null; resumeAck?: null }|{ body?: "switchoverAck"; shut?: null; pong?: null; switchoverAck: livemig.SwitchoverAck.$Shape; resumed?: null; deviceApproved?: null; authChallenge?: null; loaded?: null; configAccepted?: null; recvBitmap?: null; resumeAck?: null }|{ body?: "resumed"; shut?: null; pong?: null; switchoverAck?: null; resumed: livemig.Resumed.$Shape; deviceApproved?: null; authChallenge?: null; loaded?: null; configAccepted?: null; recvBitmap?: null; resumeAck?: null }|{ body?: "deviceApproved"; shut?: null; pong?: null; switchoverAck?: null; resumed?: null; deviceApproved: livemig.DeviceApproved.$Shape; authChallenge?: null; loaded?: null; configAccepted?: null; recvBitmap?: null; resumeAck?: null }|{ body?: "authChallenge"; shut?: null; pong?: null; switchoverAck?: null; resumed?: null; deviceApproved?: null; authChallenge: livemig.AuthChallenge.$Shape; loaded?: null; configAccepted?: null; recvBitmap?: null; resumeAck?: null }|{ body?: "loaded"; shut?: null; pong?: null; switchoverAck?: null; resumed?: null; deviceApproved?: null; authChallenge?: null; loaded: livemig.Loaded.$Shape; configAccepted?: null; recvBitmap?: null; resumeAck?: null }|{ body?: "configAccepted"; shut?: null; pong?: null; switchoverAck?: null; resumed?: null; deviceApproved?: null; authChallenge?: null; loaded?: null; configAccepted: livemig.ConfigAccepted.$Shape; recvBitmap?: null; resumeAck?: null }|{ body?: "recvBitmap"; shut?: null; pong?: null; switchoverAck?: null; resumed?: null; deviceApproved?: null; authChallenge?: null; loaded?: null; configAccepted?: null; recvBitmap: livemig.RecvBitmap.$Shape; resumeAck?: null }|{ body?: "resumeAck"; shut?: null; pong?: null; switchoverAck?: null; resumed?: null; deviceApproved?: null; authChallenge?: null; loaded?: null; configAccepted?: null; recvBitmap?: null; resumeAck: livemig.ResumeAck.$Shape })
        );
    }

    /**
     * Properties of a RecvBitmap.
     * @deprecated Use livemig.RecvBitmap.$Properties instead.
     */
    interface IRecvBitmap extends livemig.RecvBitmap.$Properties {
    }

    /** Represents a RecvBitmap. */
    class RecvBitmap {

        /**
         * Constructs a new RecvBitmap.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.RecvBitmap.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** RecvBitmap deviceId. */
        deviceId: string;

        /** RecvBitmap data. */
        data: Uint8Array;

        /** RecvBitmap last. */
        last: boolean;

        /** RecvBitmap none. */
        none: boolean;

        /**
         * Creates a new RecvBitmap instance using the specified properties.
         * @param [properties] Properties to set
         * @returns RecvBitmap instance
         */
        static create(properties: livemig.RecvBitmap.$Shape): livemig.RecvBitmap & livemig.RecvBitmap.$Shape;
        static create(properties?: livemig.RecvBitmap.$Properties): livemig.RecvBitmap;

        /**
         * Encodes the specified RecvBitmap message. Does not implicitly {@link livemig.RecvBitmap.verify|verify} messages.
         * @param message RecvBitmap message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.RecvBitmap.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a RecvBitmap message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.RecvBitmap & livemig.RecvBitmap.$Shape} RecvBitmap
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.RecvBitmap & livemig.RecvBitmap.$Shape;

        /**
         * Gets the type url for RecvBitmap
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace RecvBitmap {

        /** Properties of a RecvBitmap. */
        interface $Properties {

            /** RecvBitmap deviceId */
            deviceId?: (string|null);

            /** RecvBitmap data */
            data?: (Uint8Array|null);

            /** RecvBitmap last */
            last?: (boolean|null);

            /** RecvBitmap none */
            none?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a RecvBitmap. */
        type $Shape = livemig.RecvBitmap.$Properties;
    }

    /**
     * Properties of a ResumeAck.
     * @deprecated Use livemig.ResumeAck.$Properties instead.
     */
    interface IResumeAck extends livemig.ResumeAck.$Properties {
    }

    /** Represents a ResumeAck. */
    class ResumeAck {

        /**
         * Constructs a new ResumeAck.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.ResumeAck.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** ResumeAck resumes. */
        resumes: number;

        /**
         * Creates a new ResumeAck instance using the specified properties.
         * @param [properties] Properties to set
         * @returns ResumeAck instance
         */
        static create(properties: livemig.ResumeAck.$Shape): livemig.ResumeAck & livemig.ResumeAck.$Shape;
        static create(properties?: livemig.ResumeAck.$Properties): livemig.ResumeAck;

        /**
         * Encodes the specified ResumeAck message. Does not implicitly {@link livemig.ResumeAck.verify|verify} messages.
         * @param message ResumeAck message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.ResumeAck.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a ResumeAck message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.ResumeAck & livemig.ResumeAck.$Shape} ResumeAck
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.ResumeAck & livemig.ResumeAck.$Shape;

        /**
         * Gets the type url for ResumeAck
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace ResumeAck {

        /** Properties of a ResumeAck. */
        interface $Properties {

            /** ResumeAck resumes */
            resumes?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a ResumeAck. */
        type $Shape = livemig.ResumeAck.$Properties;
    }

    /**
     * Properties of a ConfigAccepted.
     * @deprecated Use livemig.ConfigAccepted.$Properties instead.
     */
    interface IConfigAccepted extends livemig.ConfigAccepted.$Properties {
    }

    /** Represents a ConfigAccepted. */
    class ConfigAccepted {

        /**
         * Constructs a new ConfigAccepted.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.ConfigAccepted.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /**
         * Creates a new ConfigAccepted instance using the specified properties.
         * @param [properties] Properties to set
         * @returns ConfigAccepted instance
         */
        static create(properties: livemig.ConfigAccepted.$Shape): livemig.ConfigAccepted & livemig.ConfigAccepted.$Shape;
        static create(properties?: livemig.ConfigAccepted.$Properties): livemig.ConfigAccepted;

        /**
         * Encodes the specified ConfigAccepted message. Does not implicitly {@link livemig.ConfigAccepted.verify|verify} messages.
         * @param message ConfigAccepted message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.ConfigAccepted.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a ConfigAccepted message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.ConfigAccepted & livemig.ConfigAccepted.$Shape} ConfigAccepted
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.ConfigAccepted & livemig.ConfigAccepted.$Shape;

        /**
         * Gets the type url for ConfigAccepted
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace ConfigAccepted {

        /** Properties of a ConfigAccepted. */
        interface $Properties {

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a ConfigAccepted. */
        type $Shape = livemig.ConfigAccepted.$Properties;
    }

    /**
     * Properties of an AuthChallenge.
     * @deprecated Use livemig.AuthChallenge.$Properties instead.
     */
    interface IAuthChallenge extends livemig.AuthChallenge.$Properties {
    }

    /** Represents an AuthChallenge. */
    class AuthChallenge {

        /**
         * Constructs a new AuthChallenge.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.AuthChallenge.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** AuthChallenge nonce. */
        nonce: Uint8Array;

        /** AuthChallenge mac. */
        mac: Uint8Array;

        /**
         * Creates a new AuthChallenge instance using the specified properties.
         * @param [properties] Properties to set
         * @returns AuthChallenge instance
         */
        static create(properties: livemig.AuthChallenge.$Shape): livemig.AuthChallenge & livemig.AuthChallenge.$Shape;
        static create(properties?: livemig.AuthChallenge.$Properties): livemig.AuthChallenge;

        /**
         * Encodes the specified AuthChallenge message. Does not implicitly {@link livemig.AuthChallenge.verify|verify} messages.
         * @param message AuthChallenge message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.AuthChallenge.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an AuthChallenge message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.AuthChallenge & livemig.AuthChallenge.$Shape} AuthChallenge
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.AuthChallenge & livemig.AuthChallenge.$Shape;

        /**
         * Gets the type url for AuthChallenge
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace AuthChallenge {

        /** Properties of an AuthChallenge. */
        interface $Properties {

            /** AuthChallenge nonce */
            nonce?: (Uint8Array|null);

            /** AuthChallenge mac */
            mac?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an AuthChallenge. */
        type $Shape = livemig.AuthChallenge.$Properties;
    }

    /**
     * Properties of a Loaded.
     * @deprecated Use livemig.Loaded.$Properties instead.
     */
    interface ILoaded extends livemig.Loaded.$Properties {
    }

    /** Represents a Loaded. */
    class Loaded {

        /**
         * Constructs a new Loaded.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.Loaded.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Loaded verified. */
        verified: boolean;

        /** Loaded deviceMessages. */
        deviceMessages: livemig.DeviceMessage.$Properties[];

        /**
         * Creates a new Loaded instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Loaded instance
         */
        static create(properties: livemig.Loaded.$Shape): livemig.Loaded & livemig.Loaded.$Shape;
        static create(properties?: livemig.Loaded.$Properties): livemig.Loaded;

        /**
         * Encodes the specified Loaded message. Does not implicitly {@link livemig.Loaded.verify|verify} messages.
         * @param message Loaded message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.Loaded.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Loaded message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.Loaded & livemig.Loaded.$Shape} Loaded
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.Loaded & livemig.Loaded.$Shape;

        /**
         * Gets the type url for Loaded
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Loaded {

        /** Properties of a Loaded. */
        interface $Properties {

            /** Loaded verified */
            verified?: (boolean|null);

            /** Loaded deviceMessages */
            deviceMessages?: (livemig.DeviceMessage.$Properties[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Loaded. */
        type $Shape = livemig.Loaded.$Properties;
    }

    /**
     * Properties of a DeviceMessage.
     * @deprecated Use livemig.DeviceMessage.$Properties instead.
     */
    interface IDeviceMessage extends livemig.DeviceMessage.$Properties {
    }

    /** Represents a DeviceMessage. */
    class DeviceMessage {

        /**
         * Constructs a new DeviceMessage.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.DeviceMessage.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** DeviceMessage deviceId. */
        deviceId: string;

        /** DeviceMessage data. */
        data: Uint8Array;

        /**
         * Creates a new DeviceMessage instance using the specified properties.
         * @param [properties] Properties to set
         * @returns DeviceMessage instance
         */
        static create(properties: livemig.DeviceMessage.$Shape): livemig.DeviceMessage & livemig.DeviceMessage.$Shape;
        static create(properties?: livemig.DeviceMessage.$Properties): livemig.DeviceMessage;

        /**
         * Encodes the specified DeviceMessage message. Does not implicitly {@link livemig.DeviceMessage.verify|verify} messages.
         * @param message DeviceMessage message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.DeviceMessage.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a DeviceMessage message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.DeviceMessage & livemig.DeviceMessage.$Shape} DeviceMessage
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.DeviceMessage & livemig.DeviceMessage.$Shape;

        /**
         * Gets the type url for DeviceMessage
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace DeviceMessage {

        /** Properties of a DeviceMessage. */
        interface $Properties {

            /** DeviceMessage deviceId */
            deviceId?: (string|null);

            /** DeviceMessage data */
            data?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a DeviceMessage. */
        type $Shape = livemig.DeviceMessage.$Properties;
    }

    /**
     * Properties of a Shut.
     * @deprecated Use livemig.Shut.$Properties instead.
     */
    interface IShut extends livemig.Shut.$Properties {
    }

    /** Represents a Shut. */
    class Shut {

        /**
         * Constructs a new Shut.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.Shut.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Shut ok. */
        ok: boolean;

        /** Shut code. */
        code: string;

        /** Shut reason. */
        reason: string;

        /**
         * Creates a new Shut instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Shut instance
         */
        static create(properties: livemig.Shut.$Shape): livemig.Shut & livemig.Shut.$Shape;
        static create(properties?: livemig.Shut.$Properties): livemig.Shut;

        /**
         * Encodes the specified Shut message. Does not implicitly {@link livemig.Shut.verify|verify} messages.
         * @param message Shut message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.Shut.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Shut message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.Shut & livemig.Shut.$Shape} Shut
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.Shut & livemig.Shut.$Shape;

        /**
         * Gets the type url for Shut
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Shut {

        /** Properties of a Shut. */
        interface $Properties {

            /** Shut ok */
            ok?: (boolean|null);

            /** Shut code */
            code?: (string|null);

            /** Shut reason */
            reason?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Shut. */
        type $Shape = livemig.Shut.$Properties;
    }

    /**
     * Properties of a Pong.
     * @deprecated Use livemig.Pong.$Properties instead.
     */
    interface IPong extends livemig.Pong.$Properties {
    }

    /** Represents a Pong. */
    class Pong {

        /**
         * Constructs a new Pong.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.Pong.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Pong value. */
        value: number;

        /**
         * Creates a new Pong instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Pong instance
         */
        static create(properties: livemig.Pong.$Shape): livemig.Pong & livemig.Pong.$Shape;
        static create(properties?: livemig.Pong.$Properties): livemig.Pong;

        /**
         * Encodes the specified Pong message. Does not implicitly {@link livemig.Pong.verify|verify} messages.
         * @param message Pong message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.Pong.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Pong message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.Pong & livemig.Pong.$Shape} Pong
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.Pong & livemig.Pong.$Shape;

        /**
         * Gets the type url for Pong
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Pong {

        /** Properties of a Pong. */
        interface $Properties {

            /** Pong value */
            value?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Pong. */
        type $Shape = livemig.Pong.$Properties;
    }

    /**
     * Properties of a SwitchoverAck.
     * @deprecated Use livemig.SwitchoverAck.$Properties instead.
     */
    interface ISwitchoverAck extends livemig.SwitchoverAck.$Properties {
    }

    /** Represents a SwitchoverAck. */
    class SwitchoverAck {

        /**
         * Constructs a new SwitchoverAck.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.SwitchoverAck.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** SwitchoverAck rearms. */
        rearms: number;

        /**
         * Creates a new SwitchoverAck instance using the specified properties.
         * @param [properties] Properties to set
         * @returns SwitchoverAck instance
         */
        static create(properties: livemig.SwitchoverAck.$Shape): livemig.SwitchoverAck & livemig.SwitchoverAck.$Shape;
        static create(properties?: livemig.SwitchoverAck.$Properties): livemig.SwitchoverAck;

        /**
         * Encodes the specified SwitchoverAck message. Does not implicitly {@link livemig.SwitchoverAck.verify|verify} messages.
         * @param message SwitchoverAck message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.SwitchoverAck.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a SwitchoverAck message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.SwitchoverAck & livemig.SwitchoverAck.$Shape} SwitchoverAck
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.SwitchoverAck & livemig.SwitchoverAck.$Shape;

        /**
         * Gets the type url for SwitchoverAck
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace SwitchoverAck {

        /** Properties of a SwitchoverAck. */
        interface $Properties {

            /** SwitchoverAck rearms */
            rearms?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a SwitchoverAck. */
        type $Shape = livemig.SwitchoverAck.$Properties;
    }

    /**
     * Properties of a Resumed.
     * @deprecated Use livemig.Resumed.$Properties instead.
     */
    interface IResumed extends livemig.Resumed.$Properties {
    }

    /** Represents a Resumed. */
    class Resumed {

        /**
         * Constructs a new Resumed.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.Resumed.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Resumed receiveMs. */
        receiveMs: number;

        /** Resumed loadMs. */
        loadMs: number;

        /** Resumed verifyMs. */
        verifyMs: number;

        /** Resumed devices. */
        devices: livemig.DeviceTiming.$Properties[];

        /** Resumed verified. */
        verified: boolean;

        /** Resumed paused. */
        paused: boolean;

        /**
         * Creates a new Resumed instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Resumed instance
         */
        static create(properties: livemig.Resumed.$Shape): livemig.Resumed & livemig.Resumed.$Shape;
        static create(properties?: livemig.Resumed.$Properties): livemig.Resumed;

        /**
         * Encodes the specified Resumed message. Does not implicitly {@link livemig.Resumed.verify|verify} messages.
         * @param message Resumed message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.Resumed.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Resumed message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.Resumed & livemig.Resumed.$Shape} Resumed
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.Resumed & livemig.Resumed.$Shape;

        /**
         * Gets the type url for Resumed
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Resumed {

        /** Properties of a Resumed. */
        interface $Properties {

            /** Resumed receiveMs */
            receiveMs?: (number|null);

            /** Resumed loadMs */
            loadMs?: (number|null);

            /** Resumed verifyMs */
            verifyMs?: (number|null);

            /** Resumed devices */
            devices?: (livemig.DeviceTiming.$Properties[]|null);

            /** Resumed verified */
            verified?: (boolean|null);

            /** Resumed paused */
            paused?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Resumed. */
        type $Shape = livemig.Resumed.$Properties;
    }

    /**
     * Properties of a DeviceTiming.
     * @deprecated Use livemig.DeviceTiming.$Properties instead.
     */
    interface IDeviceTiming extends livemig.DeviceTiming.$Properties {
    }

    /** Represents a DeviceTiming. */
    class DeviceTiming {

        /**
         * Constructs a new DeviceTiming.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.DeviceTiming.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** DeviceTiming deviceId. */
        deviceId: string;

        /** DeviceTiming loadMs. */
        loadMs: number;

        /**
         * Creates a new DeviceTiming instance using the specified properties.
         * @param [properties] Properties to set
         * @returns DeviceTiming instance
         */
        static create(properties: livemig.DeviceTiming.$Shape): livemig.DeviceTiming & livemig.DeviceTiming.$Shape;
        static create(properties?: livemig.DeviceTiming.$Properties): livemig.DeviceTiming;

        /**
         * Encodes the specified DeviceTiming message. Does not implicitly {@link livemig.DeviceTiming.verify|verify} messages.
         * @param message DeviceTiming message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.DeviceTiming.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a DeviceTiming message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.DeviceTiming & livemig.DeviceTiming.$Shape} DeviceTiming
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.DeviceTiming & livemig.DeviceTiming.$Shape;

        /**
         * Gets the type url for DeviceTiming
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace DeviceTiming {

        /** Properties of a DeviceTiming. */
        interface $Properties {

            /** DeviceTiming deviceId */
            deviceId?: (string|null);

            /** DeviceTiming loadMs */
            loadMs?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a DeviceTiming. */
        type $Shape = livemig.DeviceTiming.$Properties;
    }

    /**
     * Properties of a DeviceApproved.
     * @deprecated Use livemig.DeviceApproved.$Properties instead.
     */
    interface IDeviceApproved extends livemig.DeviceApproved.$Properties {
    }

    /** Represents a DeviceApproved. */
    class DeviceApproved {

        /**
         * Constructs a new DeviceApproved.
         * @param [properties] Properties to set
         */
        constructor(properties?: livemig.DeviceApproved.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** DeviceApproved deviceId. */
        deviceId: string;

        /** DeviceApproved ms. */
        ms: number;

        /** DeviceApproved rearms. */
        rearms: number;

        /**
         * Creates a new DeviceApproved instance using the specified properties.
         * @param [properties] Properties to set
         * @returns DeviceApproved instance
         */
        static create(properties: livemig.DeviceApproved.$Shape): livemig.DeviceApproved & livemig.DeviceApproved.$Shape;
        static create(properties?: livemig.DeviceApproved.$Properties): livemig.DeviceApproved;

        /**
         * Encodes the specified DeviceApproved message. Does not implicitly {@link livemig.DeviceApproved.verify|verify} messages.
         * @param message DeviceApproved message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: livemig.DeviceApproved.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a DeviceApproved message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {livemig.DeviceApproved & livemig.DeviceApproved.$Shape} DeviceApproved
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): livemig.DeviceApproved & livemig.DeviceApproved.$Shape;

        /**
         * Gets the type url for DeviceApproved
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace DeviceApproved {

        /** Properties of a DeviceApproved. */
        interface $Properties {

            /** DeviceApproved deviceId */
            deviceId?: (string|null);

            /** DeviceApproved ms */
            ms?: (number|null);

            /** DeviceApproved rearms */
            rearms?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a DeviceApproved. */
        type $Shape = livemig.DeviceApproved.$Properties;
    }
}
