/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
"use strict";

var $protobuf = require("protobufjs/minimal");

// Common aliases
var $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
var $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
var $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

$root.livemig = (function() {

    /**
     * Namespace livemig.
     * @exports livemig
     * @namespace
     */
    var livemig = {};

    livemig.devices = (function() {

        /**
         * Namespace devices.
         * @memberof livemig
         * @namespace
         */
        var devices = {};

        devices.RamData = (function() {

            /**
             * Properties of a RamData.
             * @typedef {Object} livemig.devices.RamData.$Properties
             * @property {Array.<number>|null} [normalRuns] RamData normalRuns
             * @property {Array.<number>|null} [zeroRuns] RamData zeroRuns
             * @property {number|null} [pageSize] RamData pageSize
             * @property {number|null} [totalBytes] RamData totalBytes
             * @property {number|null} [seq] RamData seq
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a RamData.
             * @memberof livemig.devices
             * @interface IRamData
             * @augments livemig.devices.RamData.$Properties
             * @deprecated Use livemig.devices.RamData.$Properties instead.
             */

            /**
             * Shape of a RamData.
             * @typedef {livemig.devices.RamData.$Properties} livemig.devices.RamData.$Shape
             */

            /**
             * Constructs a new RamData.
             * @memberof livemig.devices
             * @classdesc Represents a RamData.
             * @constructor
             * @param {livemig.devices.RamData.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            var RamData = function (properties) {
                this.normalRuns = [];
                this.zeroRuns = [];
                if (properties)
                    for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * RamData normalRuns.
             * @member {Array.<number>} normalRuns
             * @memberof livemig.devices.RamData
             * @instance
             */
            RamData.prototype.normalRuns = $util.emptyArray;

            /**
             * RamData zeroRuns.
             * @member {Array.<number>} zeroRuns
             * @memberof livemig.devices.RamData
             * @instance
             */
            RamData.prototype.zeroRuns = $util.emptyArray;

            /**
             * RamData pageSize.
             * @member {number} pageSize
             * @memberof livemig.devices.RamData
             * @instance
             */
            RamData.prototype.pageSize = 0;

            /**
             * RamData totalBytes.
             * @member {number} totalBytes
             * @memberof livemig.devices.RamData
             * @instance
             */
            RamData.prototype.totalBytes = 0;

            /**
             * RamData seq.
             * @member {number} seq
             * @memberof livemig.devices.RamData
             * @instance
             */
            RamData.prototype.seq = 0;

            /**
             * Creates a new RamData instance using the specified properties.
             * @function create
             * @memberof livemig.devices.RamData
             * @static
             * @param {livemig.devices.RamData.$Properties=} [properties] Properties to set
             * @returns {livemig.devices.RamData} RamData instance
             * @type {{
             *   (properties: livemig.devices.RamData.$Shape): livemig.devices.RamData & livemig.devices.RamData.$Shape;
             *   (properties?: livemig.devices.RamData.$Properties): livemig.devices.RamData;
             * }}
             */
            RamData.create = function(properties) {
                return new RamData(properties);
            };

            /**
             * Encodes the specified RamData message. Does not implicitly {@link livemig.devices.RamData.verify|verify} messages.
             * @function encode
             * @memberof livemig.devices.RamData
             * @static
             * @param {livemig.devices.RamData.$Properties} message RamData message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            RamData.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.normalRuns != null && message.normalRuns.length)
                    writer.uint32(/* id 1, wireType 2 =*/10).uint32s(message.normalRuns);
                if (message.zeroRuns != null && message.zeroRuns.length)
                    writer.uint32(/* id 2, wireType 2 =*/18).uint32s(message.zeroRuns);
                if (message.pageSize != null && $Object.hasOwnProperty.call(message, "pageSize") && message.pageSize !== 0)
                    writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.pageSize);
                if (message.totalBytes != null && $Object.hasOwnProperty.call(message, "totalBytes") && !$Object.is(message.totalBytes, 0))
                    writer.uint32(/* id 4, wireType 1 =*/33).double(message.totalBytes);
                if (message.seq != null && $Object.hasOwnProperty.call(message, "seq") && message.seq !== 0)
                    writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.seq);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (var i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a RamData message from the specified reader or buffer.
             * @function decode
             * @memberof livemig.devices.RamData
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {livemig.devices.RamData & livemig.devices.RamData.$Shape} RamData
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            RamData.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.livemig.devices.RamData();
                while (reader.pos < end) {
                    var start = reader.pos;
                    var tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    var wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType === 2) {
                                if (!(message.normalRuns && message.normalRuns.length))
                                    message.normalRuns = [];
                                reader.uint32s(message.normalRuns);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.normalRuns && message.normalRuns.length))
                                message.normalRuns = [];
                            message.normalRuns.push(reader.uint32());
                            continue;
                        }
                    case 2: {
                            if (wireType === 2) {
                                if (!(message.zeroRuns && message.zeroRuns.length))
                                    message.zeroRuns = [];
                                reader.uint32s(message.zeroRuns);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.zeroRuns && message.zeroRuns.length))
                                message.zeroRuns = [];
                            message.zeroRuns.push(reader.uint32());
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.pageSize = value;
                            else
                                delete message.pageSize;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 1)
                                break;
                            if (!$Object.is(value = reader.double(), 0))
                                message.totalBytes = value;
                            else
                                delete message.totalBytes;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.seq = value;
                            else
                                delete message.seq;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for RamData
             * @function getTypeUrl
             * @memberof livemig.devices.RamData
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            RamData.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/livemig.devices.RamData";
            };

            return RamData;
        })();

        /**
         * AccelChunkKind enum.
         * @name livemig.devices.AccelChunkKind
         * @enum {number}
         * @property {number} ACCEL_CHUNK_UNSPECIFIED=0 ACCEL_CHUNK_UNSPECIFIED value
         * @property {number} ACCEL_SETUP=1 ACCEL_SETUP value
         * @property {number} ACCEL_INIT_DATA=2 ACCEL_INIT_DATA value
         * @property {number} ACCEL_RESOURCE_DATA=3 ACCEL_RESOURCE_DATA value
         * @property {number} ACCEL_DEVICE_STATE=4 ACCEL_DEVICE_STATE value
         * @property {number} ACCEL_NO_DATA=5 ACCEL_NO_DATA value
         */
        devices.AccelChunkKind = (function() {
            var valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "ACCEL_CHUNK_UNSPECIFIED"] = 0;
            values[valuesById[1] = "ACCEL_SETUP"] = 1;
            values[valuesById[2] = "ACCEL_INIT_DATA"] = 2;
            values[valuesById[3] = "ACCEL_RESOURCE_DATA"] = 3;
            values[valuesById[4] = "ACCEL_DEVICE_STATE"] = 4;
            values[valuesById[5] = "ACCEL_NO_DATA"] = 5;
            return values;
        })();

        devices.AccelData = (function() {

            /**
             * Properties of an AccelData.
             * @typedef {Object} livemig.devices.AccelData.$Properties
             * @property {livemig.devices.AccelChunkKind|null} [kind] AccelData kind
             * @property {number|null} [resource] AccelData resource
             * @property {number|null} [offset] AccelData offset
             * @property {boolean|null} [initDataSent] AccelData initDataSent
             * @property {number|null} [reinit] AccelData reinit
             * @property {number|null} [resources] AccelData resources
             * @property {number|null} [seq] AccelData seq
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an AccelData.
             * @memberof livemig.devices
             * @interface IAccelData
             * @augments livemig.devices.AccelData.$Properties
             * @deprecated Use livemig.devices.AccelData.$Properties instead.
             */

            /**
             * Shape of an AccelData.
             * @typedef {livemig.devices.AccelData.$Properties} livemig.devices.AccelData.$Shape
             */

            /**
             * Constructs a new AccelData.
             * @memberof livemig.devices
             * @classdesc Represents an AccelData.
             * @constructor
             * @param {livemig.devices.AccelData.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            var AccelData = function (properties) {
                if (properties)
                    for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * AccelData kind.
             * @member {livemig.devices.AccelChunkKind} kind
             * @memberof livemig.devices.AccelData
             * @instance
             */
            AccelData.prototype.kind = 0;

            /**
             * AccelData resource.
             * @member {number} resource
             * @memberof livemig.devices.AccelData
             * @instance
             */
            AccelData.prototype.resource = 0;

            /**
             * AccelData offset.
             * @member {number} offset
             * @memberof livemig.devices.AccelData
             * @instance
             */
            AccelData.prototype.offset = 0;

            /**
             * AccelData initDataSent.
             * @member {boolean} initDataSent
             * @memberof livemig.devices.AccelData
             * @instance
             */
            AccelData.prototype.initDataSent = false;

            /**
             * AccelData reinit.
             * @member {number} reinit
             * @memberof livemig.devices.AccelData
             * @instance
             */
            AccelData.prototype.reinit = 0;

            /**
             * AccelData resources.
             * @member {number} resources
             * @memberof livemig.devices.AccelData
             * @instance
             */
            AccelData.prototype.resources = 0;

            /**
             * AccelData seq.
             * @member {number} seq
             * @memberof livemig.devices.AccelData
             * @instance
             */
            AccelData.prototype.seq = 0;

            /**
             * Creates a new AccelData instance using the specified properties.
             * @function create
             * @memberof livemig.devices.AccelData
             * @static
             * @param {livemig.devices.AccelData.$Properties=} [properties] Properties to set
             * @returns {livemig.devices.AccelData} AccelData instance
             * @type {{
             *   (properties: livemig.devices.AccelData.$Shape): livemig.devices.AccelData & livemig.devices.AccelData.$Shape;
             *   (properties?: livemig.devices.AccelData.$Properties): livemig.devices.AccelData;
             * }}
             */
            AccelData.create = function(properties) {
                return new AccelData(properties);
            };

            /**
             * Encodes the specified AccelData message. Does not implicitly {@link livemig.devices.AccelData.verify|verify} messages.
             * @function encode
             * @memberof livemig.devices.AccelData
             * @static
             * @param {livemig.devices.AccelData.$Properties} message AccelData message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            AccelData.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.kind != null && $Object.hasOwnProperty.call(message, "kind") && message.kind !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).int32(message.kind);
                if (message.resource != null && $Object.hasOwnProperty.call(message, "resource") && message.resource !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.resource);
                if (message.offset != null && $Object.hasOwnProperty.call(message, "offset") && !$Object.is(message.offset, 0))
                    writer.uint32(/* id 3, wireType 1 =*/25).double(message.offset);
                if (message.initDataSent != null && $Object.hasOwnProperty.call(message, "initDataSent") && message.initDataSent !== false)
                    writer.uint32(/* id 4, wireType 0 =*/32).bool(message.initDataSent);
                if (message.reinit != null && $Object.hasOwnProperty.call(message, "reinit") && message.reinit !== 0)
                    writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.reinit);
                if (message.resources != null && $Object.hasOwnProperty.call(message, "resources") && message.resources !== 0)
                    writer.uint32(/* id 6, wireType 0 =*/48).uint32(message.resources);
                if (message.seq != null && $Object.hasOwnProperty.call(message, "seq") && message.seq !== 0)
                    writer.uint32(/* id 7, wireType 0 =*/56).uint32(message.seq);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (var i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes an AccelData message from the specified reader or buffer.
             * @function decode
             * @memberof livemig.devices.AccelData
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {livemig.devices.AccelData & livemig.devices.AccelData.$Shape} AccelData
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            AccelData.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.livemig.devices.AccelData();
                while (reader.pos < end) {
                    var start = reader.pos;
                    var tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    var wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.int32())
                                message.kind = value;
                            else
                                delete message.kind;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.resource = value;
                            else
                                delete message.resource;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 1)
                                break;
                            if (!$Object.is(value = reader.double(), 0))
                                message.offset = value;
                            else
                                delete message.offset;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.initDataSent = value;
                            else
                                delete message.initDataSent;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.reinit = value;
                            else
                                delete message.reinit;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.resources = value;
                            else
                                delete message.resources;
                            continue;
                        }
                    case 7: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.seq = value;
                            else
                                delete message.seq;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for AccelData
             * @function getTypeUrl
             * @memberof livemig.devices.AccelData
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            AccelData.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/livemig.devices.AccelData";
            };

            return AccelData;
        })();

        devices.CpuData = (function() {

            /**
             * Properties of a CpuData.
             * @typedef {Object} livemig.devices.CpuData.$Properties
             * @property {number|null} [vcpus] CpuData vcpus
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a CpuData.
             * @memberof livemig.devices
             * @interface ICpuData
             * @augments livemig.devices.CpuData.$Properties
             * @deprecated Use livemig.devices.CpuData.$Properties instead.
             */

            /**
             * Shape of a CpuData.
             * @typedef {livemig.devices.CpuData.$Properties} livemig.devices.CpuData.$Shape
             */

            /**
             * Constructs a new CpuData.
             * @memberof livemig.devices
             * @classdesc Represents a CpuData.
             * @constructor
             * @param {livemig.devices.CpuData.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            var CpuData = function (properties) {
                if (properties)
                    for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * CpuData vcpus.
             * @member {number} vcpus
             * @memberof livemig.devices.CpuData
             * @instance
             */
            CpuData.prototype.vcpus = 0;

            /**
             * Creates a new CpuData instance using the specified properties.
             * @function create
             * @memberof livemig.devices.CpuData
             * @static
             * @param {livemig.devices.CpuData.$Properties=} [properties] Properties to set
             * @returns {livemig.devices.CpuData} CpuData instance
             * @type {{
             *   (properties: livemig.devices.CpuData.$Shape): livemig.devices.CpuData & livemig.devices.CpuData.$Shape;
             *   (properties?: livemig.devices.CpuData.$Properties): livemig.devices.CpuData;
             * }}
             */
            CpuData.create = function(properties) {
                return new CpuData(properties);
            };

            /**
             * Encodes the specified CpuData message. Does not implicitly {@link livemig.devices.CpuData.verify|verify} messages.
             * @function encode
             * @memberof livemig.devices.CpuData
             * @static
             * @param {livemig.devices.CpuData.$Properties} message CpuData message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            CpuData.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.vcpus != null && $Object.hasOwnProperty.call(message, "vcpus") && message.vcpus !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.vcpus);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (var i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a CpuData message from the specified reader or buffer.
             * @function decode
             * @memberof livemig.devices.CpuData
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {livemig.devices.CpuData & livemig.devices.CpuData.$Shape} CpuData
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            CpuData.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.livemig.devices.CpuData();
                while (reader.pos < end) {
                    var start = reader.pos;
                    var tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    var wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.vcpus = value;
                            else
                                delete message.vcpus;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for CpuData
             * @function getTypeUrl
             * @memberof livemig.devices.CpuData
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            CpuData.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/livemig.devices.CpuData";
            };

            return CpuData;
        })();

        return devices;
    })();

    livemig.Frame = (function() {

        /**
         * Properties of a Frame.
         * @typedef {Object} livemig.Frame.$Properties
         * @property {livemig.StreamHeader.$Properties|null} [header] Frame header
         * @property {livemig.Configuration.$Properties|null} [configuration] Frame configuration
         * @property {livemig.Section.$Properties|null} [section] Frame section
         * @property {livemig.Command.$Properties|null} [command] Frame command
         * @property {livemig.Verify.$Properties|null} [verify] Frame verify
         * @property {livemig.Eof.$Properties|null} [eof] Frame eof
         * @property {livemig.AuthResponse.$Properties|null} [authResponse] Frame authResponse
         * @property {livemig.MultifdSync.$Properties|null} [multifdSync] Frame multifdSync
         * @property {number|null} [payloadLength] Frame payloadLength
         * @property {"header"|"configuration"|"section"|"command"|"verify"|"eof"|"authResponse"|"multifdSync"} [body] Frame body
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Frame.
         * @memberof livemig
         * @interface IFrame
         * @augments livemig.Frame.$Properties
         * @deprecated Use livemig.Frame.$Properties instead.
         */

        /**
         * Narrowed shape of a Frame.
         * @typedef {{
         *   header?: livemig.StreamHeader.$Shape|null;
         *   configuration?: livemig.Configuration.$Shape|null;
         *   section?: livemig.Section.$Shape|null;
         *   command?: livemig.Command.$Shape|null;
         *   verify?: livemig.Verify.$Shape|null;
         *   eof?: livemig.Eof.$Shape|null;
         *   authResponse?: livemig.AuthResponse.$Shape|null;
         *   multifdSync?: livemig.MultifdSync.$Shape|null;
         *   payloadLength?: number|null;
         *   $unknowns?: Array.<Uint8Array>;
         * } & (
         *   ({ body?: undefined; header?: null; configuration?: null; section?: null; command?: null; verify?: null; eof?: null; authResponse?: null; multifdSync?: null }|{ body?: "header"; header: livemig.StreamHeader.$Shape; configuration?: null; section?: null; command?: null; verify?: null; eof?: null; authResponse?: null; multifdSync?: null }|{ body?: "configuration"; header?: null; configuration: livemig.Configuration.$Shape; section?: null; command?: null; verify?: null; eof?: null; authResponse?: null; multifdSync?: null }|{ body?: "section"; header?: null; configuration?: null; section: livemig.Section.$Shape; command?: null; verify?: null; eof?: null; authResponse?: null; multifdSync?: null }|{ body?: "command"; header?: null; configuration?: null; section?: null; command: livemig.Command.$Shape; verify?: null; eof?: null; authResponse?: null; multifdSync?: null }|{ body?: "verify"; header?: null; configuration?: null; section?: null; command?: null; verify: livemig.Verify.$Shape; eof?: null; authResponse?: null; multifdSync?: null }|{ body?: "eof"; header?: null; configuration?: null; section?: null; command?: null; verify?: null; eof: livemig.Eof.$Shape; authResponse?: null; multifdSync?: null }|{ body?: "authResponse"; header?: null; configuration?: null; section?: null; command?: null; verify?: null; eof?: null; authResponse: livemig.AuthResponse.$Shape; multifdSync?: null }|{ body?: "multifdSync"; header?: null; configuration?: null; section?: null; command?: null; verify?: null; eof?: null; authResponse?: null; multifdSync: livemig.MultifdSync.$Shape })
         * )} livemig.Frame.$Shape
         */

        /**
         * Constructs a new Frame.
         * @memberof livemig
         * @classdesc Represents a Frame.
         * @constructor
         * @param {livemig.Frame.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Frame = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Frame header.
         * @member {livemig.StreamHeader.$Properties|null|undefined} header
         * @memberof livemig.Frame
         * @instance
         */
        Frame.prototype.header = null;

        /**
         * Frame configuration.
         * @member {livemig.Configuration.$Properties|null|undefined} configuration
         * @memberof livemig.Frame
         * @instance
         */
        Frame.prototype.configuration = null;

        /**
         * Frame section.
         * @member {livemig.Section.$Properties|null|undefined} section
         * @memberof livemig.Frame
         * @instance
         */
        Frame.prototype.section = null;

        /**
         * Frame command.
         * @member {livemig.Command.$Properties|null|undefined} command
         * @memberof livemig.Frame
         * @instance
         */
        Frame.prototype.command = null;

        /**
         * Frame verify.
         * @member {livemig.Verify.$Properties|null|undefined} verify
         * @memberof livemig.Frame
         * @instance
         */
        Frame.prototype.verify = null;

        /**
         * Frame eof.
         * @member {livemig.Eof.$Properties|null|undefined} eof
         * @memberof livemig.Frame
         * @instance
         */
        Frame.prototype.eof = null;

        /**
         * Frame authResponse.
         * @member {livemig.AuthResponse.$Properties|null|undefined} authResponse
         * @memberof livemig.Frame
         * @instance
         */
        Frame.prototype.authResponse = null;

        /**
         * Frame multifdSync.
         * @member {livemig.MultifdSync.$Properties|null|undefined} multifdSync
         * @memberof livemig.Frame
         * @instance
         */
        Frame.prototype.multifdSync = null;

        /**
         * Frame payloadLength.
         * @member {number} payloadLength
         * @memberof livemig.Frame
         * @instance
         */
        Frame.prototype.payloadLength = 0;

        // OneOf field names bound to virtual getters and setters
        var $oneOfFields;

        /**
         * Frame body.
         * @member {"header"|"configuration"|"section"|"command"|"verify"|"eof"|"authResponse"|"multifdSync"|undefined} body
         * @memberof livemig.Frame
         * @instance
         */
        $Object.defineProperty(Frame.prototype, "body", {
            get: $util.oneOfGetter($oneOfFields = ["header", "configuration", "section", "command", "verify", "eof", "authResponse", "multifdSync"]),
            set: $util.oneOfSetter($oneOfFields)
        });

        /**
         * Creates a new Frame instance using the specified properties.
         * @function create
         * @memberof livemig.Frame
         * @static
         * @param {livemig.Frame.$Properties=} [properties] Properties to set
         * @returns {livemig.Frame} Frame instance
         * @type {{
         *   (properties: livemig.Frame.$Shape): livemig.Frame & livemig.Frame.$Shape;
         *   (properties?: livemig.Frame.$Properties): livemig.Frame;
         * }}
         */
        Frame.create = function(properties) {
            return new Frame(properties);
        };

        /**
         * Encodes the specified Frame message. Does not implicitly {@link livemig.Frame.verify|verify} messages.
         * @function encode
         * @memberof livemig.Frame
         * @static
         * @param {livemig.Frame.$Properties} message Frame message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Frame.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.header != null && $Object.hasOwnProperty.call(message, "header"))
                $root.livemig.StreamHeader.encode(message.header, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.configuration != null && $Object.hasOwnProperty.call(message, "configuration"))
                $root.livemig.Configuration.encode(message.configuration, writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
            if (message.section != null && $Object.hasOwnProperty.call(message, "section"))
                $root.livemig.Section.encode(message.section, writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
            if (message.command != null && $Object.hasOwnProperty.call(message, "command"))
                $root.livemig.Command.encode(message.command, writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
            if (message.verify != null && $Object.hasOwnProperty.call(message, "verify"))
                $root.livemig.Verify.encode(message.verify, writer.uint32(/* id 5, wireType 2 =*/42).fork(), _depth + 1).ldelim();
            if (message.eof != null && $Object.hasOwnProperty.call(message, "eof"))
                $root.livemig.Eof.encode(message.eof, writer.uint32(/* id 6, wireType 2 =*/50).fork(), _depth + 1).ldelim();
            if (message.authResponse != null && $Object.hasOwnProperty.call(message, "authResponse"))
                $root.livemig.AuthResponse.encode(message.authResponse, writer.uint32(/* id 7, wireType 2 =*/58).fork(), _depth + 1).ldelim();
            if (message.multifdSync != null && $Object.hasOwnProperty.call(message, "multifdSync"))
                $root.livemig.MultifdSync.encode(message.multifdSync, writer.uint32(/* id 9, wireType 2 =*/74).fork(), _depth + 1).ldelim();
            if (message.payloadLength != null && $Object.hasOwnProperty.call(message, "payloadLength") && message.payloadLength !== 0)
                writer.uint32(/* id 15, wireType 0 =*/120).uint32(message.payloadLength);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Frame message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.Frame
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.Frame & livemig.Frame.$Shape} Frame
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Frame.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.Frame();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        message.header = $root.livemig.StreamHeader.decode(reader, reader.size(), $undefined, _depth + 1, message.header);
                        message.body = "header";
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        message.configuration = $root.livemig.Configuration.decode(reader, reader.size(), $undefined, _depth + 1, message.configuration);
                        message.body = "configuration";
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        message.section = $root.livemig.Section.decode(reader, reader.size(), $undefined, _depth + 1, message.section);
                        message.body = "section";
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        message.command = $root.livemig.Command.decode(reader, reader.size(), $undefined, _depth + 1, message.command);
                        message.body = "command";
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        message.verify = $root.livemig.Verify.decode(reader, reader.size(), $undefined, _depth + 1, message.verify);
                        message.body = "verify";
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        message.eof = $root.livemig.Eof.decode(reader, reader.size(), $undefined, _depth + 1, message.eof);
                        message.body = "eof";
                        continue;
                    }
                case 7: {
                        if (wireType !== 2)
                            break;
                        message.authResponse = $root.livemig.AuthResponse.decode(reader, reader.size(), $undefined, _depth + 1, message.authResponse);
                        message.body = "authResponse";
                        continue;
                    }
                case 9: {
                        if (wireType !== 2)
                            break;
                        message.multifdSync = $root.livemig.MultifdSync.decode(reader, reader.size(), $undefined, _depth + 1, message.multifdSync);
                        message.body = "multifdSync";
                        continue;
                    }
                case 15: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.payloadLength = value;
                        else
                            delete message.payloadLength;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Frame
         * @function getTypeUrl
         * @memberof livemig.Frame
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Frame.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.Frame";
        };

        return Frame;
    })();

    livemig.StreamHeader = (function() {

        /**
         * Properties of a StreamHeader.
         * @typedef {Object} livemig.StreamHeader.$Properties
         * @property {number|null} [magic] StreamHeader magic
         * @property {number|null} [version] StreamHeader version
         * @property {Uint8Array|null} [authNonce] StreamHeader authNonce
         * @property {livemig.MultifdHello.$Properties|null} [multifd] StreamHeader multifd
         * @property {livemig.ResumeHello.$Properties|null} [resume] StreamHeader resume
         * @property {Array.<Uint8Array>|null} [abandons] StreamHeader abandons
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a StreamHeader.
         * @memberof livemig
         * @interface IStreamHeader
         * @augments livemig.StreamHeader.$Properties
         * @deprecated Use livemig.StreamHeader.$Properties instead.
         */

        /**
         * Shape of a StreamHeader.
         * @typedef {livemig.StreamHeader.$Properties} livemig.StreamHeader.$Shape
         */

        /**
         * Constructs a new StreamHeader.
         * @memberof livemig
         * @classdesc Represents a StreamHeader.
         * @constructor
         * @param {livemig.StreamHeader.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var StreamHeader = function (properties) {
            this.abandons = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * StreamHeader magic.
         * @member {number} magic
         * @memberof livemig.StreamHeader
         * @instance
         */
        StreamHeader.prototype.magic = 0;

        /**
         * StreamHeader version.
         * @member {number} version
         * @memberof livemig.StreamHeader
         * @instance
         */
        StreamHeader.prototype.version = 0;

        /**
         * StreamHeader authNonce.
         * @member {Uint8Array} authNonce
         * @memberof livemig.StreamHeader
         * @instance
         */
        StreamHeader.prototype.authNonce = $util.newBuffer([]);

        /**
         * StreamHeader multifd.
         * @member {livemig.MultifdHello.$Properties|null|undefined} multifd
         * @memberof livemig.StreamHeader
         * @instance
         */
        StreamHeader.prototype.multifd = null;

        /**
         * StreamHeader resume.
         * @member {livemig.ResumeHello.$Properties|null|undefined} resume
         * @memberof livemig.StreamHeader
         * @instance
         */
        StreamHeader.prototype.resume = null;

        /**
         * StreamHeader abandons.
         * @member {Array.<Uint8Array>} abandons
         * @memberof livemig.StreamHeader
         * @instance
         */
        StreamHeader.prototype.abandons = $util.emptyArray;

        /**
         * Creates a new StreamHeader instance using the specified properties.
         * @function create
         * @memberof livemig.StreamHeader
         * @static
         * @param {livemig.StreamHeader.$Properties=} [properties] Properties to set
         * @returns {livemig.StreamHeader} StreamHeader instance
         * @type {{
         *   (properties: livemig.StreamHeader.$Shape): livemig.StreamHeader & livemig.StreamHeader.$Shape;
         *   (properties?: livemig.StreamHeader.$Properties): livemig.StreamHeader;
         * }}
         */
        StreamHeader.create = function(properties) {
            return new StreamHeader(properties);
        };

        /**
         * Encodes the specified StreamHeader message. Does not implicitly {@link livemig.StreamHeader.verify|verify} messages.
         * @function encode
         * @memberof livemig.StreamHeader
         * @static
         * @param {livemig.StreamHeader.$Properties} message StreamHeader message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        StreamHeader.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.magic != null && $Object.hasOwnProperty.call(message, "magic") && message.magic !== 0)
                writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.magic);
            if (message.version != null && $Object.hasOwnProperty.call(message, "version") && message.version !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.version);
            if (message.authNonce != null && $Object.hasOwnProperty.call(message, "authNonce") && message.authNonce.length)
                writer.uint32(/* id 3, wireType 2 =*/26).bytes(message.authNonce);
            if (message.multifd != null && $Object.hasOwnProperty.call(message, "multifd"))
                $root.livemig.MultifdHello.encode(message.multifd, writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
            if (message.resume != null && $Object.hasOwnProperty.call(message, "resume"))
                $root.livemig.ResumeHello.encode(message.resume, writer.uint32(/* id 5, wireType 2 =*/42).fork(), _depth + 1).ldelim();
            if (message.abandons != null && message.abandons.length)
                for (var i = 0; i < message.abandons.length; ++i)
                    writer.uint32(/* id 6, wireType 2 =*/50).bytes(message.abandons[i]);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a StreamHeader message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.StreamHeader
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.StreamHeader & livemig.StreamHeader.$Shape} StreamHeader
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        StreamHeader.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.StreamHeader();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.magic = value;
                        else
                            delete message.magic;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.version = value;
                        else
                            delete message.version;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.authNonce = value;
                        else
                            delete message.authNonce;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        message.multifd = $root.livemig.MultifdHello.decode(reader, reader.size(), $undefined, _depth + 1, message.multifd);
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        message.resume = $root.livemig.ResumeHello.decode(reader, reader.size(), $undefined, _depth + 1, message.resume);
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        if (!(message.abandons && message.abandons.length))
                            message.abandons = [];
                        message.abandons.push(reader.bytes());
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for StreamHeader
         * @function getTypeUrl
         * @memberof livemig.StreamHeader
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        StreamHeader.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.StreamHeader";
        };

        return StreamHeader;
    })();

    livemig.ResumeHello = (function() {

        /**
         * Properties of a ResumeHello.
         * @typedef {Object} livemig.ResumeHello.$Properties
         * @property {Uint8Array|null} [migrationId] ResumeHello migrationId
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a ResumeHello.
         * @memberof livemig
         * @interface IResumeHello
         * @augments livemig.ResumeHello.$Properties
         * @deprecated Use livemig.ResumeHello.$Properties instead.
         */

        /**
         * Shape of a ResumeHello.
         * @typedef {livemig.ResumeHello.$Properties} livemig.ResumeHello.$Shape
         */

        /**
         * Constructs a new ResumeHello.
         * @memberof livemig
         * @classdesc Represents a ResumeHello.
         * @constructor
         * @param {livemig.ResumeHello.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var ResumeHello = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * ResumeHello migrationId.
         * @member {Uint8Array} migrationId
         * @memberof livemig.ResumeHello
         * @instance
         */
        ResumeHello.prototype.migrationId = $util.newBuffer([]);

        /**
         * Creates a new ResumeHello instance using the specified properties.
         * @function create
         * @memberof livemig.ResumeHello
         * @static
         * @param {livemig.ResumeHello.$Properties=} [properties] Properties to set
         * @returns {livemig.ResumeHello} ResumeHello instance
         * @type {{
         *   (properties: livemig.ResumeHello.$Shape): livemig.ResumeHello & livemig.ResumeHello.$Shape;
         *   (properties?: livemig.ResumeHello.$Properties): livemig.ResumeHello;
         * }}
         */
        ResumeHello.create = function(properties) {
            return new ResumeHello(properties);
        };

        /**
         * Encodes the specified ResumeHello message. Does not implicitly {@link livemig.ResumeHello.verify|verify} messages.
         * @function encode
         * @memberof livemig.ResumeHello
         * @static
         * @param {livemig.ResumeHello.$Properties} message ResumeHello message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ResumeHello.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.migrationId != null && $Object.hasOwnProperty.call(message, "migrationId") && message.migrationId.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.migrationId);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a ResumeHello message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.ResumeHello
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.ResumeHello & livemig.ResumeHello.$Shape} ResumeHello
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ResumeHello.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.ResumeHello();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.migrationId = value;
                        else
                            delete message.migrationId;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for ResumeHello
         * @function getTypeUrl
         * @memberof livemig.ResumeHello
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        ResumeHello.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.ResumeHello";
        };

        return ResumeHello;
    })();

    livemig.AuthResponse = (function() {

        /**
         * Properties of an AuthResponse.
         * @typedef {Object} livemig.AuthResponse.$Properties
         * @property {Uint8Array|null} [mac] AuthResponse mac
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an AuthResponse.
         * @memberof livemig
         * @interface IAuthResponse
         * @augments livemig.AuthResponse.$Properties
         * @deprecated Use livemig.AuthResponse.$Properties instead.
         */

        /**
         * Shape of an AuthResponse.
         * @typedef {livemig.AuthResponse.$Properties} livemig.AuthResponse.$Shape
         */

        /**
         * Constructs a new AuthResponse.
         * @memberof livemig
         * @classdesc Represents an AuthResponse.
         * @constructor
         * @param {livemig.AuthResponse.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var AuthResponse = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * AuthResponse mac.
         * @member {Uint8Array} mac
         * @memberof livemig.AuthResponse
         * @instance
         */
        AuthResponse.prototype.mac = $util.newBuffer([]);

        /**
         * Creates a new AuthResponse instance using the specified properties.
         * @function create
         * @memberof livemig.AuthResponse
         * @static
         * @param {livemig.AuthResponse.$Properties=} [properties] Properties to set
         * @returns {livemig.AuthResponse} AuthResponse instance
         * @type {{
         *   (properties: livemig.AuthResponse.$Shape): livemig.AuthResponse & livemig.AuthResponse.$Shape;
         *   (properties?: livemig.AuthResponse.$Properties): livemig.AuthResponse;
         * }}
         */
        AuthResponse.create = function(properties) {
            return new AuthResponse(properties);
        };

        /**
         * Encodes the specified AuthResponse message. Does not implicitly {@link livemig.AuthResponse.verify|verify} messages.
         * @function encode
         * @memberof livemig.AuthResponse
         * @static
         * @param {livemig.AuthResponse.$Properties} message AuthResponse message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        AuthResponse.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.mac != null && $Object.hasOwnProperty.call(message, "mac") && message.mac.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.mac);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an AuthResponse message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.AuthResponse
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.AuthResponse & livemig.AuthResponse.$Shape} AuthResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        AuthResponse.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.AuthResponse();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.mac = value;
                        else
                            delete message.mac;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for AuthResponse
         * @function getTypeUrl
         * @memberof livemig.AuthResponse
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        AuthResponse.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.AuthResponse";
        };

        return AuthResponse;
    })();

    livemig.Configuration = (function() {

        /**
         * Properties of a Configuration.
         * @typedef {Object} livemig.Configuration.$Properties
         * @property {Array.<livemig.DeviceConfig.$Properties>|null} [devices] Configuration devices
         * @property {livemig.Capabilities.$Properties|null} [capabilities] Configuration capabilities
         * @property {Uint8Array|null} [migrationId] Configuration migrationId
         * @property {number|null} [multifdChannels] Configuration multifdChannels
         * @property {string|null} [multifdCompression] Configuration multifdCompression
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Configuration.
         * @memberof livemig
         * @interface IConfiguration
         * @augments livemig.Configuration.$Properties
         * @deprecated Use livemig.Configuration.$Properties instead.
         */

        /**
         * Shape of a Configuration.
         * @typedef {livemig.Configuration.$Properties} livemig.Configuration.$Shape
         */

        /**
         * Constructs a new Configuration.
         * @memberof livemig
         * @classdesc Represents a Configuration.
         * @constructor
         * @param {livemig.Configuration.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Configuration = function (properties) {
            this.devices = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Configuration devices.
         * @member {Array.<livemig.DeviceConfig.$Properties>} devices
         * @memberof livemig.Configuration
         * @instance
         */
        Configuration.prototype.devices = $util.emptyArray;

        /**
         * Configuration capabilities.
         * @member {livemig.Capabilities.$Properties|null|undefined} capabilities
         * @memberof livemig.Configuration
         * @instance
         */
        Configuration.prototype.capabilities = null;

        /**
         * Configuration migrationId.
         * @member {Uint8Array} migrationId
         * @memberof livemig.Configuration
         * @instance
         */
        Configuration.prototype.migrationId = $util.newBuffer([]);

        /**
         * Configuration multifdChannels.
         * @member {number} multifdChannels
         * @memberof livemig.Configuration
         * @instance
         */
        Configuration.prototype.multifdChannels = 0;

        /**
         * Configuration multifdCompression.
         * @member {string} multifdCompression
         * @memberof livemig.Configuration
         * @instance
         */
        Configuration.prototype.multifdCompression = "";

        /**
         * Creates a new Configuration instance using the specified properties.
         * @function create
         * @memberof livemig.Configuration
         * @static
         * @param {livemig.Configuration.$Properties=} [properties] Properties to set
         * @returns {livemig.Configuration} Configuration instance
         * @type {{
         *   (properties: livemig.Configuration.$Shape): livemig.Configuration & livemig.Configuration.$Shape;
         *   (properties?: livemig.Configuration.$Properties): livemig.Configuration;
         * }}
         */
        Configuration.create = function(properties) {
            return new Configuration(properties);
        };

        /**
         * Encodes the specified Configuration message. Does not implicitly {@link livemig.Configuration.verify|verify} messages.
         * @function encode
         * @memberof livemig.Configuration
         * @static
         * @param {livemig.Configuration.$Properties} message Configuration message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Configuration.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.devices != null && message.devices.length)
                for (var i = 0; i < message.devices.length; ++i)
                    $root.livemig.DeviceConfig.encode(message.devices[i], writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.capabilities != null && $Object.hasOwnProperty.call(message, "capabilities"))
                $root.livemig.Capabilities.encode(message.capabilities, writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
            if (message.migrationId != null && $Object.hasOwnProperty.call(message, "migrationId") && message.migrationId.length)
                writer.uint32(/* id 3, wireType 2 =*/26).bytes(message.migrationId);
            if (message.multifdChannels != null && $Object.hasOwnProperty.call(message, "multifdChannels") && message.multifdChannels !== 0)
                writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.multifdChannels);
            if (message.multifdCompression != null && $Object.hasOwnProperty.call(message, "multifdCompression") && message.multifdCompression !== "")
                writer.uint32(/* id 5, wireType 2 =*/42).string(message.multifdCompression);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Configuration message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.Configuration
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.Configuration & livemig.Configuration.$Shape} Configuration
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Configuration.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.Configuration();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if (!(message.devices && message.devices.length))
                            message.devices = [];
                        message.devices.push($root.livemig.DeviceConfig.decode(reader, reader.size(), $undefined, _depth + 1));
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        message.capabilities = $root.livemig.Capabilities.decode(reader, reader.size(), $undefined, _depth + 1, message.capabilities);
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.migrationId = value;
                        else
                            delete message.migrationId;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.multifdChannels = value;
                        else
                            delete message.multifdChannels;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.multifdCompression = value;
                        else
                            delete message.multifdCompression;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Configuration
         * @function getTypeUrl
         * @memberof livemig.Configuration
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Configuration.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.Configuration";
        };

        return Configuration;
    })();

    livemig.Capabilities = (function() {

        /**
         * Properties of a Capabilities.
         * @typedef {Object} livemig.Capabilities.$Properties
         * @property {boolean|null} [returnPath] Capabilities returnPath
         * @property {boolean|null} [switchoverAck] Capabilities switchoverAck
         * @property {boolean|null} [multifd] Capabilities multifd
         * @property {boolean|null} [verify] Capabilities verify
         * @property {boolean|null} [precopyResume] Capabilities precopyResume
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Capabilities.
         * @memberof livemig
         * @interface ICapabilities
         * @augments livemig.Capabilities.$Properties
         * @deprecated Use livemig.Capabilities.$Properties instead.
         */

        /**
         * Shape of a Capabilities.
         * @typedef {livemig.Capabilities.$Properties} livemig.Capabilities.$Shape
         */

        /**
         * Constructs a new Capabilities.
         * @memberof livemig
         * @classdesc Represents a Capabilities.
         * @constructor
         * @param {livemig.Capabilities.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Capabilities = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Capabilities returnPath.
         * @member {boolean} returnPath
         * @memberof livemig.Capabilities
         * @instance
         */
        Capabilities.prototype.returnPath = false;

        /**
         * Capabilities switchoverAck.
         * @member {boolean} switchoverAck
         * @memberof livemig.Capabilities
         * @instance
         */
        Capabilities.prototype.switchoverAck = false;

        /**
         * Capabilities multifd.
         * @member {boolean} multifd
         * @memberof livemig.Capabilities
         * @instance
         */
        Capabilities.prototype.multifd = false;

        /**
         * Capabilities verify.
         * @member {boolean} verify
         * @memberof livemig.Capabilities
         * @instance
         */
        Capabilities.prototype.verify = false;

        /**
         * Capabilities precopyResume.
         * @member {boolean} precopyResume
         * @memberof livemig.Capabilities
         * @instance
         */
        Capabilities.prototype.precopyResume = false;

        /**
         * Creates a new Capabilities instance using the specified properties.
         * @function create
         * @memberof livemig.Capabilities
         * @static
         * @param {livemig.Capabilities.$Properties=} [properties] Properties to set
         * @returns {livemig.Capabilities} Capabilities instance
         * @type {{
         *   (properties: livemig.Capabilities.$Shape): livemig.Capabilities & livemig.Capabilities.$Shape;
         *   (properties?: livemig.Capabilities.$Properties): livemig.Capabilities;
         * }}
         */
        Capabilities.create = function(properties) {
            return new Capabilities(properties);
        };

        /**
         * Encodes the specified Capabilities message. Does not implicitly {@link livemig.Capabilities.verify|verify} messages.
         * @function encode
         * @memberof livemig.Capabilities
         * @static
         * @param {livemig.Capabilities.$Properties} message Capabilities message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Capabilities.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.returnPath != null && $Object.hasOwnProperty.call(message, "returnPath") && message.returnPath !== false)
                writer.uint32(/* id 1, wireType 0 =*/8).bool(message.returnPath);
            if (message.switchoverAck != null && $Object.hasOwnProperty.call(message, "switchoverAck") && message.switchoverAck !== false)
                writer.uint32(/* id 2, wireType 0 =*/16).bool(message.switchoverAck);
            if (message.multifd != null && $Object.hasOwnProperty.call(message, "multifd") && message.multifd !== false)
                writer.uint32(/* id 3, wireType 0 =*/24).bool(message.multifd);
            if (message.verify != null && $Object.hasOwnProperty.call(message, "verify") && message.verify !== false)
                writer.uint32(/* id 4, wireType 0 =*/32).bool(message.verify);
            if (message.precopyResume != null && $Object.hasOwnProperty.call(message, "precopyResume") && message.precopyResume !== false)
                writer.uint32(/* id 5, wireType 0 =*/40).bool(message.precopyResume);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Capabilities message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.Capabilities
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.Capabilities & livemig.Capabilities.$Shape} Capabilities
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Capabilities.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.Capabilities();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.returnPath = value;
                        else
                            delete message.returnPath;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.switchoverAck = value;
                        else
                            delete message.switchoverAck;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.multifd = value;
                        else
                            delete message.multifd;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.verify = value;
                        else
                            delete message.verify;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.precopyResume = value;
                        else
                            delete message.precopyResume;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Capabilities
         * @function getTypeUrl
         * @memberof livemig.Capabilities
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Capabilities.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.Capabilities";
        };

        return Capabilities;
    })();

    livemig.DeviceConfig = (function() {

        /**
         * Properties of a DeviceConfig.
         * @typedef {Object} livemig.DeviceConfig.$Properties
         * @property {string|null} [id] DeviceConfig id
         * @property {string|null} [type] DeviceConfig type
         * @property {number|null} [version] DeviceConfig version
         * @property {string|null} [shape] DeviceConfig shape
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a DeviceConfig.
         * @memberof livemig
         * @interface IDeviceConfig
         * @augments livemig.DeviceConfig.$Properties
         * @deprecated Use livemig.DeviceConfig.$Properties instead.
         */

        /**
         * Shape of a DeviceConfig.
         * @typedef {livemig.DeviceConfig.$Properties} livemig.DeviceConfig.$Shape
         */

        /**
         * Constructs a new DeviceConfig.
         * @memberof livemig
         * @classdesc Represents a DeviceConfig.
         * @constructor
         * @param {livemig.DeviceConfig.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var DeviceConfig = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * DeviceConfig id.
         * @member {string} id
         * @memberof livemig.DeviceConfig
         * @instance
         */
        DeviceConfig.prototype.id = "";

        /**
         * DeviceConfig type.
         * @member {string} type
         * @memberof livemig.DeviceConfig
         * @instance
         */
        DeviceConfig.prototype.type = "";

        /**
         * DeviceConfig version.
         * @member {number} version
         * @memberof livemig.DeviceConfig
         * @instance
         */
        DeviceConfig.prototype.version = 0;

        /**
         * DeviceConfig shape.
         * @member {string} shape
         * @memberof livemig.DeviceConfig
         * @instance
         */
        DeviceConfig.prototype.shape = "";

        /**
         * Creates a new DeviceConfig instance using the specified properties.
         * @function create
         * @memberof livemig.DeviceConfig
         * @static
         * @param {livemig.DeviceConfig.$Properties=} [properties] Properties to set
         * @returns {livemig.DeviceConfig} DeviceConfig instance
         * @type {{
         *   (properties: livemig.DeviceConfig.$Shape): livemig.DeviceConfig & livemig.DeviceConfig.$Shape;
         *   (properties?: livemig.DeviceConfig.$Properties): livemig.DeviceConfig;
         * }}
         */
        DeviceConfig.create = function(properties) {
            return new DeviceConfig(properties);
        };

        /**
         * Encodes the specified DeviceConfig message. Does not implicitly {@link livemig.DeviceConfig.verify|verify} messages.
         * @function encode
         * @memberof livemig.DeviceConfig
         * @static
         * @param {livemig.DeviceConfig.$Properties} message DeviceConfig message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        DeviceConfig.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.id != null && $Object.hasOwnProperty.call(message, "id") && message.id !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.id);
            if (message.version != null && $Object.hasOwnProperty.call(message, "version") && message.version !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.version);
            if (message.shape != null && $Object.hasOwnProperty.call(message, "shape") && message.shape !== "")
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.shape);
            if (message.type != null && $Object.hasOwnProperty.call(message, "type") && message.type !== "")
                writer.uint32(/* id 5, wireType 2 =*/42).string(message.type);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a DeviceConfig message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.DeviceConfig
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.DeviceConfig & livemig.DeviceConfig.$Shape} DeviceConfig
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        DeviceConfig.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.DeviceConfig();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.id = value;
                        else
                            delete message.id;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.type = value;
                        else
                            delete message.type;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.version = value;
                        else
                            delete message.version;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.shape = value;
                        else
                            delete message.shape;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for DeviceConfig
         * @function getTypeUrl
         * @memberof livemig.DeviceConfig
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        DeviceConfig.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.DeviceConfig";
        };

        return DeviceConfig;
    })();

    /**
     * SectionType enum.
     * @name livemig.SectionType
     * @enum {number}
     * @property {number} SECTION_TYPE_UNSPECIFIED=0 SECTION_TYPE_UNSPECIFIED value
     * @property {number} SECTION_START=1 SECTION_START value
     * @property {number} SECTION_PART=2 SECTION_PART value
     * @property {number} SECTION_END=3 SECTION_END value
     * @property {number} SECTION_FULL=4 SECTION_FULL value
     */
    livemig.SectionType = (function() {
        var valuesById = $Object.create(null), values = $Object.create(valuesById);
        values[valuesById[0] = "SECTION_TYPE_UNSPECIFIED"] = 0;
        values[valuesById[1] = "SECTION_START"] = 1;
        values[valuesById[2] = "SECTION_PART"] = 2;
        values[valuesById[3] = "SECTION_END"] = 3;
        values[valuesById[4] = "SECTION_FULL"] = 4;
        return values;
    })();

    livemig.Section = (function() {

        /**
         * Properties of a Section.
         * @typedef {Object} livemig.Section.$Properties
         * @property {livemig.SectionType|null} [type] Section type
         * @property {number|null} [sectionId] Section sectionId
         * @property {string|null} [deviceId] Section deviceId
         * @property {number|null} [version] Section version
         * @property {string|null} [deviceType] Section deviceType
         * @property {Uint8Array|null} [header] Section header
         * @property {boolean|null} [compressed] Section compressed
         * @property {number|null} [rawLength] Section rawLength
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Section.
         * @memberof livemig
         * @interface ISection
         * @augments livemig.Section.$Properties
         * @deprecated Use livemig.Section.$Properties instead.
         */

        /**
         * Shape of a Section.
         * @typedef {livemig.Section.$Properties} livemig.Section.$Shape
         */

        /**
         * Constructs a new Section.
         * @memberof livemig
         * @classdesc Represents a Section.
         * @constructor
         * @param {livemig.Section.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Section = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Section type.
         * @member {livemig.SectionType} type
         * @memberof livemig.Section
         * @instance
         */
        Section.prototype.type = 0;

        /**
         * Section sectionId.
         * @member {number} sectionId
         * @memberof livemig.Section
         * @instance
         */
        Section.prototype.sectionId = 0;

        /**
         * Section deviceId.
         * @member {string} deviceId
         * @memberof livemig.Section
         * @instance
         */
        Section.prototype.deviceId = "";

        /**
         * Section version.
         * @member {number} version
         * @memberof livemig.Section
         * @instance
         */
        Section.prototype.version = 0;

        /**
         * Section deviceType.
         * @member {string} deviceType
         * @memberof livemig.Section
         * @instance
         */
        Section.prototype.deviceType = "";

        /**
         * Section header.
         * @member {Uint8Array} header
         * @memberof livemig.Section
         * @instance
         */
        Section.prototype.header = $util.newBuffer([]);

        /**
         * Section compressed.
         * @member {boolean} compressed
         * @memberof livemig.Section
         * @instance
         */
        Section.prototype.compressed = false;

        /**
         * Section rawLength.
         * @member {number} rawLength
         * @memberof livemig.Section
         * @instance
         */
        Section.prototype.rawLength = 0;

        /**
         * Creates a new Section instance using the specified properties.
         * @function create
         * @memberof livemig.Section
         * @static
         * @param {livemig.Section.$Properties=} [properties] Properties to set
         * @returns {livemig.Section} Section instance
         * @type {{
         *   (properties: livemig.Section.$Shape): livemig.Section & livemig.Section.$Shape;
         *   (properties?: livemig.Section.$Properties): livemig.Section;
         * }}
         */
        Section.create = function(properties) {
            return new Section(properties);
        };

        /**
         * Encodes the specified Section message. Does not implicitly {@link livemig.Section.verify|verify} messages.
         * @function encode
         * @memberof livemig.Section
         * @static
         * @param {livemig.Section.$Properties} message Section message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Section.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.type != null && $Object.hasOwnProperty.call(message, "type") && message.type !== 0)
                writer.uint32(/* id 1, wireType 0 =*/8).int32(message.type);
            if (message.sectionId != null && $Object.hasOwnProperty.call(message, "sectionId") && message.sectionId !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.sectionId);
            if (message.deviceId != null && $Object.hasOwnProperty.call(message, "deviceId") && message.deviceId !== "")
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.deviceId);
            if (message.version != null && $Object.hasOwnProperty.call(message, "version") && message.version !== 0)
                writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.version);
            if (message.deviceType != null && $Object.hasOwnProperty.call(message, "deviceType") && message.deviceType !== "")
                writer.uint32(/* id 6, wireType 2 =*/50).string(message.deviceType);
            if (message.header != null && $Object.hasOwnProperty.call(message, "header") && message.header.length)
                writer.uint32(/* id 7, wireType 2 =*/58).bytes(message.header);
            if (message.compressed != null && $Object.hasOwnProperty.call(message, "compressed") && message.compressed !== false)
                writer.uint32(/* id 8, wireType 0 =*/64).bool(message.compressed);
            if (message.rawLength != null && $Object.hasOwnProperty.call(message, "rawLength") && message.rawLength !== 0)
                writer.uint32(/* id 9, wireType 0 =*/72).uint32(message.rawLength);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Section message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.Section
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.Section & livemig.Section.$Shape} Section
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Section.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.Section();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.type = value;
                        else
                            delete message.type;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.sectionId = value;
                        else
                            delete message.sectionId;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.deviceId = value;
                        else
                            delete message.deviceId;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.version = value;
                        else
                            delete message.version;
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.deviceType = value;
                        else
                            delete message.deviceType;
                        continue;
                    }
                case 7: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.header = value;
                        else
                            delete message.header;
                        continue;
                    }
                case 8: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.compressed = value;
                        else
                            delete message.compressed;
                        continue;
                    }
                case 9: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.rawLength = value;
                        else
                            delete message.rawLength;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Section
         * @function getTypeUrl
         * @memberof livemig.Section
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Section.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.Section";
        };

        return Section;
    })();

    /**
     * CommandType enum.
     * @name livemig.CommandType
     * @enum {number}
     * @property {number} COMMAND_UNSPECIFIED=0 COMMAND_UNSPECIFIED value
     * @property {number} CMD_OPEN_RETURN_PATH=1 CMD_OPEN_RETURN_PATH value
     * @property {number} CMD_PING=2 CMD_PING value
     * @property {number} CMD_SWITCHOVER_START=3 CMD_SWITCHOVER_START value
     * @property {number} CMD_RESUME=4 CMD_RESUME value
     * @property {number} CMD_MULTIFD_SYNC=5 CMD_MULTIFD_SYNC value
     */
    livemig.CommandType = (function() {
        var valuesById = $Object.create(null), values = $Object.create(valuesById);
        values[valuesById[0] = "COMMAND_UNSPECIFIED"] = 0;
        values[valuesById[1] = "CMD_OPEN_RETURN_PATH"] = 1;
        values[valuesById[2] = "CMD_PING"] = 2;
        values[valuesById[3] = "CMD_SWITCHOVER_START"] = 3;
        values[valuesById[4] = "CMD_RESUME"] = 4;
        values[valuesById[5] = "CMD_MULTIFD_SYNC"] = 5;
        return values;
    })();

    livemig.Command = (function() {

        /**
         * Properties of a Command.
         * @typedef {Object} livemig.Command.$Properties
         * @property {livemig.CommandType|null} [type] Command type
         * @property {number|null} [value] Command value
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Command.
         * @memberof livemig
         * @interface ICommand
         * @augments livemig.Command.$Properties
         * @deprecated Use livemig.Command.$Properties instead.
         */

        /**
         * Shape of a Command.
         * @typedef {livemig.Command.$Properties} livemig.Command.$Shape
         */

        /**
         * Constructs a new Command.
         * @memberof livemig
         * @classdesc Represents a Command.
         * @constructor
         * @param {livemig.Command.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Command = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Command type.
         * @member {livemig.CommandType} type
         * @memberof livemig.Command
         * @instance
         */
        Command.prototype.type = 0;

        /**
         * Command value.
         * @member {number} value
         * @memberof livemig.Command
         * @instance
         */
        Command.prototype.value = 0;

        /**
         * Creates a new Command instance using the specified properties.
         * @function create
         * @memberof livemig.Command
         * @static
         * @param {livemig.Command.$Properties=} [properties] Properties to set
         * @returns {livemig.Command} Command instance
         * @type {{
         *   (properties: livemig.Command.$Shape): livemig.Command & livemig.Command.$Shape;
         *   (properties?: livemig.Command.$Properties): livemig.Command;
         * }}
         */
        Command.create = function(properties) {
            return new Command(properties);
        };

        /**
         * Encodes the specified Command message. Does not implicitly {@link livemig.Command.verify|verify} messages.
         * @function encode
         * @memberof livemig.Command
         * @static
         * @param {livemig.Command.$Properties} message Command message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Command.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.type != null && $Object.hasOwnProperty.call(message, "type") && message.type !== 0)
                writer.uint32(/* id 1, wireType 0 =*/8).int32(message.type);
            if (message.value != null && $Object.hasOwnProperty.call(message, "value") && message.value !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.value);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Command message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.Command
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.Command & livemig.Command.$Shape} Command
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Command.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.Command();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.type = value;
                        else
                            delete message.type;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.value = value;
                        else
                            delete message.value;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Command
         * @function getTypeUrl
         * @memberof livemig.Command
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Command.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.Command";
        };

        return Command;
    })();

    livemig.MultifdHello = (function() {

        /**
         * Properties of a MultifdHello.
         * @typedef {Object} livemig.MultifdHello.$Properties
         * @property {Uint8Array|null} [migrationId] MultifdHello migrationId
         * @property {number|null} [channel] MultifdHello channel
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a MultifdHello.
         * @memberof livemig
         * @interface IMultifdHello
         * @augments livemig.MultifdHello.$Properties
         * @deprecated Use livemig.MultifdHello.$Properties instead.
         */

        /**
         * Shape of a MultifdHello.
         * @typedef {livemig.MultifdHello.$Properties} livemig.MultifdHello.$Shape
         */

        /**
         * Constructs a new MultifdHello.
         * @memberof livemig
         * @classdesc Represents a MultifdHello.
         * @constructor
         * @param {livemig.MultifdHello.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var MultifdHello = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * MultifdHello migrationId.
         * @member {Uint8Array} migrationId
         * @memberof livemig.MultifdHello
         * @instance
         */
        MultifdHello.prototype.migrationId = $util.newBuffer([]);

        /**
         * MultifdHello channel.
         * @member {number} channel
         * @memberof livemig.MultifdHello
         * @instance
         */
        MultifdHello.prototype.channel = 0;

        /**
         * Creates a new MultifdHello instance using the specified properties.
         * @function create
         * @memberof livemig.MultifdHello
         * @static
         * @param {livemig.MultifdHello.$Properties=} [properties] Properties to set
         * @returns {livemig.MultifdHello} MultifdHello instance
         * @type {{
         *   (properties: livemig.MultifdHello.$Shape): livemig.MultifdHello & livemig.MultifdHello.$Shape;
         *   (properties?: livemig.MultifdHello.$Properties): livemig.MultifdHello;
         * }}
         */
        MultifdHello.create = function(properties) {
            return new MultifdHello(properties);
        };

        /**
         * Encodes the specified MultifdHello message. Does not implicitly {@link livemig.MultifdHello.verify|verify} messages.
         * @function encode
         * @memberof livemig.MultifdHello
         * @static
         * @param {livemig.MultifdHello.$Properties} message MultifdHello message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        MultifdHello.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.migrationId != null && $Object.hasOwnProperty.call(message, "migrationId") && message.migrationId.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.migrationId);
            if (message.channel != null && $Object.hasOwnProperty.call(message, "channel") && message.channel !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.channel);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a MultifdHello message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.MultifdHello
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.MultifdHello & livemig.MultifdHello.$Shape} MultifdHello
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        MultifdHello.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.MultifdHello();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.migrationId = value;
                        else
                            delete message.migrationId;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.channel = value;
                        else
                            delete message.channel;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for MultifdHello
         * @function getTypeUrl
         * @memberof livemig.MultifdHello
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        MultifdHello.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.MultifdHello";
        };

        return MultifdHello;
    })();

    livemig.MultifdSync = (function() {

        /**
         * Properties of a MultifdSync.
         * @typedef {Object} livemig.MultifdSync.$Properties
         * @property {number|null} [seq] MultifdSync seq
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a MultifdSync.
         * @memberof livemig
         * @interface IMultifdSync
         * @augments livemig.MultifdSync.$Properties
         * @deprecated Use livemig.MultifdSync.$Properties instead.
         */

        /**
         * Shape of a MultifdSync.
         * @typedef {livemig.MultifdSync.$Properties} livemig.MultifdSync.$Shape
         */

        /**
         * Constructs a new MultifdSync.
         * @memberof livemig
         * @classdesc Represents a MultifdSync.
         * @constructor
         * @param {livemig.MultifdSync.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var MultifdSync = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * MultifdSync seq.
         * @member {number} seq
         * @memberof livemig.MultifdSync
         * @instance
         */
        MultifdSync.prototype.seq = 0;

        /**
         * Creates a new MultifdSync instance using the specified properties.
         * @function create
         * @memberof livemig.MultifdSync
         * @static
         * @param {livemig.MultifdSync.$Properties=} [properties] Properties to set
         * @returns {livemig.MultifdSync} MultifdSync instance
         * @type {{
         *   (properties: livemig.MultifdSync.$Shape): livemig.MultifdSync & livemig.MultifdSync.$Shape;
         *   (properties?: livemig.MultifdSync.$Properties): livemig.MultifdSync;
         * }}
         */
        MultifdSync.create = function(properties) {
            return new MultifdSync(properties);
        };

        /**
         * Encodes the specified MultifdSync message. Does not implicitly {@link livemig.MultifdSync.verify|verify} messages.
         * @function encode
         * @memberof livemig.MultifdSync
         * @static
         * @param {livemig.MultifdSync.$Properties} message MultifdSync message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        MultifdSync.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.seq != null && $Object.hasOwnProperty.call(message, "seq") && message.seq !== 0)
                writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.seq);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a MultifdSync message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.MultifdSync
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.MultifdSync & livemig.MultifdSync.$Shape} MultifdSync
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        MultifdSync.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.MultifdSync();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.seq = value;
                        else
                            delete message.seq;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for MultifdSync
         * @function getTypeUrl
         * @memberof livemig.MultifdSync
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        MultifdSync.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.MultifdSync";
        };

        return MultifdSync;
    })();

    livemig.DeviceDigest = (function() {

        /**
         * Properties of a DeviceDigest.
         * @typedef {Object} livemig.DeviceDigest.$Properties
         * @property {string|null} [deviceId] DeviceDigest deviceId
         * @property {Uint8Array|null} [digest] DeviceDigest digest
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a DeviceDigest.
         * @memberof livemig
         * @interface IDeviceDigest
         * @augments livemig.DeviceDigest.$Properties
         * @deprecated Use livemig.DeviceDigest.$Properties instead.
         */

        /**
         * Shape of a DeviceDigest.
         * @typedef {livemig.DeviceDigest.$Properties} livemig.DeviceDigest.$Shape
         */

        /**
         * Constructs a new DeviceDigest.
         * @memberof livemig
         * @classdesc Represents a DeviceDigest.
         * @constructor
         * @param {livemig.DeviceDigest.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var DeviceDigest = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * DeviceDigest deviceId.
         * @member {string} deviceId
         * @memberof livemig.DeviceDigest
         * @instance
         */
        DeviceDigest.prototype.deviceId = "";

        /**
         * DeviceDigest digest.
         * @member {Uint8Array} digest
         * @memberof livemig.DeviceDigest
         * @instance
         */
        DeviceDigest.prototype.digest = $util.newBuffer([]);

        /**
         * Creates a new DeviceDigest instance using the specified properties.
         * @function create
         * @memberof livemig.DeviceDigest
         * @static
         * @param {livemig.DeviceDigest.$Properties=} [properties] Properties to set
         * @returns {livemig.DeviceDigest} DeviceDigest instance
         * @type {{
         *   (properties: livemig.DeviceDigest.$Shape): livemig.DeviceDigest & livemig.DeviceDigest.$Shape;
         *   (properties?: livemig.DeviceDigest.$Properties): livemig.DeviceDigest;
         * }}
         */
        DeviceDigest.create = function(properties) {
            return new DeviceDigest(properties);
        };

        /**
         * Encodes the specified DeviceDigest message. Does not implicitly {@link livemig.DeviceDigest.verify|verify} messages.
         * @function encode
         * @memberof livemig.DeviceDigest
         * @static
         * @param {livemig.DeviceDigest.$Properties} message DeviceDigest message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        DeviceDigest.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.deviceId != null && $Object.hasOwnProperty.call(message, "deviceId") && message.deviceId !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.deviceId);
            if (message.digest != null && $Object.hasOwnProperty.call(message, "digest") && message.digest.length)
                writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.digest);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a DeviceDigest message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.DeviceDigest
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.DeviceDigest & livemig.DeviceDigest.$Shape} DeviceDigest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        DeviceDigest.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.DeviceDigest();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.deviceId = value;
                        else
                            delete message.deviceId;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.digest = value;
                        else
                            delete message.digest;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for DeviceDigest
         * @function getTypeUrl
         * @memberof livemig.DeviceDigest
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        DeviceDigest.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.DeviceDigest";
        };

        return DeviceDigest;
    })();

    livemig.Verify = (function() {

        /**
         * Properties of a Verify.
         * @typedef {Object} livemig.Verify.$Properties
         * @property {Array.<livemig.DeviceDigest.$Properties>|null} [digests] Verify digests
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Verify.
         * @memberof livemig
         * @interface IVerify
         * @augments livemig.Verify.$Properties
         * @deprecated Use livemig.Verify.$Properties instead.
         */

        /**
         * Shape of a Verify.
         * @typedef {livemig.Verify.$Properties} livemig.Verify.$Shape
         */

        /**
         * Constructs a new Verify.
         * @memberof livemig
         * @classdesc Represents a Verify.
         * @constructor
         * @param {livemig.Verify.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Verify = function (properties) {
            this.digests = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Verify digests.
         * @member {Array.<livemig.DeviceDigest.$Properties>} digests
         * @memberof livemig.Verify
         * @instance
         */
        Verify.prototype.digests = $util.emptyArray;

        /**
         * Creates a new Verify instance using the specified properties.
         * @function create
         * @memberof livemig.Verify
         * @static
         * @param {livemig.Verify.$Properties=} [properties] Properties to set
         * @returns {livemig.Verify} Verify instance
         * @type {{
         *   (properties: livemig.Verify.$Shape): livemig.Verify & livemig.Verify.$Shape;
         *   (properties?: livemig.Verify.$Properties): livemig.Verify;
         * }}
         */
        Verify.create = function(properties) {
            return new Verify(properties);
        };

        /**
         * Encodes the specified Verify message. Does not implicitly {@link livemig.Verify.verify|verify} messages.
         * @function encode
         * @memberof livemig.Verify
         * @static
         * @param {livemig.Verify.$Properties} message Verify message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Verify.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.digests != null && message.digests.length)
                for (var i = 0; i < message.digests.length; ++i)
                    $root.livemig.DeviceDigest.encode(message.digests[i], writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Verify message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.Verify
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.Verify & livemig.Verify.$Shape} Verify
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Verify.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.Verify();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if (!(message.digests && message.digests.length))
                            message.digests = [];
                        message.digests.push($root.livemig.DeviceDigest.decode(reader, reader.size(), $undefined, _depth + 1));
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Verify
         * @function getTypeUrl
         * @memberof livemig.Verify
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Verify.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.Verify";
        };

        return Verify;
    })();

    livemig.Eof = (function() {

        /**
         * Properties of an Eof.
         * @typedef {Object} livemig.Eof.$Properties
         * @property {boolean|null} [sourcePaused] Eof sourcePaused
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an Eof.
         * @memberof livemig
         * @interface IEof
         * @augments livemig.Eof.$Properties
         * @deprecated Use livemig.Eof.$Properties instead.
         */

        /**
         * Shape of an Eof.
         * @typedef {livemig.Eof.$Properties} livemig.Eof.$Shape
         */

        /**
         * Constructs a new Eof.
         * @memberof livemig
         * @classdesc Represents an Eof.
         * @constructor
         * @param {livemig.Eof.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Eof = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Eof sourcePaused.
         * @member {boolean} sourcePaused
         * @memberof livemig.Eof
         * @instance
         */
        Eof.prototype.sourcePaused = false;

        /**
         * Creates a new Eof instance using the specified properties.
         * @function create
         * @memberof livemig.Eof
         * @static
         * @param {livemig.Eof.$Properties=} [properties] Properties to set
         * @returns {livemig.Eof} Eof instance
         * @type {{
         *   (properties: livemig.Eof.$Shape): livemig.Eof & livemig.Eof.$Shape;
         *   (properties?: livemig.Eof.$Properties): livemig.Eof;
         * }}
         */
        Eof.create = function(properties) {
            return new Eof(properties);
        };

        /**
         * Encodes the specified Eof message. Does not implicitly {@link livemig.Eof.verify|verify} messages.
         * @function encode
         * @memberof livemig.Eof
         * @static
         * @param {livemig.Eof.$Properties} message Eof message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Eof.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.sourcePaused != null && $Object.hasOwnProperty.call(message, "sourcePaused") && message.sourcePaused !== false)
                writer.uint32(/* id 1, wireType 0 =*/8).bool(message.sourcePaused);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an Eof message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.Eof
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.Eof & livemig.Eof.$Shape} Eof
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Eof.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.Eof();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.sourcePaused = value;
                        else
                            delete message.sourcePaused;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Eof
         * @function getTypeUrl
         * @memberof livemig.Eof
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Eof.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.Eof";
        };

        return Eof;
    })();

    livemig.RpMessage = (function() {

        /**
         * Properties of a RpMessage.
         * @typedef {Object} livemig.RpMessage.$Properties
         * @property {livemig.Shut.$Properties|null} [shut] RpMessage shut
         * @property {livemig.Pong.$Properties|null} [pong] RpMessage pong
         * @property {livemig.SwitchoverAck.$Properties|null} [switchoverAck] RpMessage switchoverAck
         * @property {livemig.Resumed.$Properties|null} [resumed] RpMessage resumed
         * @property {livemig.DeviceApproved.$Properties|null} [deviceApproved] RpMessage deviceApproved
         * @property {livemig.AuthChallenge.$Properties|null} [authChallenge] RpMessage authChallenge
         * @property {livemig.Loaded.$Properties|null} [loaded] RpMessage loaded
         * @property {livemig.ConfigAccepted.$Properties|null} [configAccepted] RpMessage configAccepted
         * @property {livemig.RecvBitmap.$Properties|null} [recvBitmap] RpMessage recvBitmap
         * @property {livemig.ResumeAck.$Properties|null} [resumeAck] RpMessage resumeAck
         * @property {"shut"|"pong"|"switchoverAck"|"resumed"|"deviceApproved"|"authChallenge"|"loaded"|"configAccepted"|"recvBitmap"|"resumeAck"} [body] RpMessage body
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a RpMessage.
         * @memberof livemig
         * @interface IRpMessage
         * @augments livemig.RpMessage.$Properties
         * @deprecated Use livemig.RpMessage.$Properties instead.
         */

        /**
         * Narrowed shape of a RpMessage.
         * @typedef {{
         *   shut?: livemig.Shut.$Shape|null;
         *   pong?: livemig.Pong.$Shape|null;
         *   switchoverAck?: livemig.SwitchoverAck.$Shape|null;
         *   resumed?: livemig.Resumed.$Shape|null;
         *   deviceApproved?: livemig.DeviceApproved.$Shape|null;
         *   authChallenge?: livemig.AuthChallenge.$Shape|null;
         *   loaded?: livemig.Loaded.$Shape|null;
         *   configAccepted?: livemig.ConfigAccepted.$Shape|null;
         *   recvBitmap?: livemig.RecvBitmap.$Shape|null;
         *   resumeAck?: livemig.ResumeAck.$Shape|null;
         *   $unknowns?: Array.<Uint8Array>;
         * } & (
         *   ({ body?: undefined; shut?: null; pong?: null; switchoverAck?: null; resumed?: null; deviceApproved?: null; authChallenge?: null; loaded?: null; configAccepted?: null; recvBitmap?: null; resumeAck?: null }|{ body?: "shut"; shut: livemig.Shut.$Shape; pong?: null; switchoverAck?: null; resumed?: null; deviceApproved?: null; authChallenge?: null; loaded?: null; configAccepted?: null; recvBitmap?: null; resumeAck?: null }|{ body?: "pong"; shut?: null; pong: livemig.Pong.$Shape; switchoverAck?: null; resumed?: null; deviceApproved?: null; authChallenge?: null; loaded?: null; configAccepted?: null; recvBitmap?: null; resumeAck?: null }|{ body?: "switchoverAck"; shut?: null; pong?: null; switchoverAck: livemig.SwitchoverAck.$Shape; resumed?: null; deviceApproved?: null; authChallenge?: null; loaded?: null; configAccepted?: null; recvBitmap?: null; resumeAck?: null }|{ body?: "resumed"; shut?: null; pong?: null; switchoverAck?: null; resumed: livemig.Resumed.$Shape; deviceApproved?: null; authChallenge?: null; loaded?: null; configAccepted?: null; recvBitmap?: null; resumeAck?: null }|{ body?: "deviceApproved"; shut?: null; pong?: null; switchoverAck?: null; resumed?: null; deviceApproved: livemig.DeviceApproved.$Shape; authChallenge?: null; loaded?: null; configAccepted?: null; recvBitmap?: null; resumeAck?: null }|{ body?: "authChallenge"; shut?: null; pong?: null; switchoverAck?: null; resumed?: null; deviceApproved?: null; authChallenge: livemig.AuthChallenge.$Shape; loaded?: null; configAccepted?: null; recvBitmap?: null; resumeAck?: null }|{ body?: "loaded"; shut?: null; pong?: null; switchoverAck?: null; resumed?: null; deviceApproved?: null; authChallenge?: null; loaded: livemig.Loaded.$Shape; configAccepted?: null; recvBitmap?: null; resumeAck?: null }|{ body?: "configAccepted"; shut?: null; pong?: null; switchoverAck?: null; resumed?: null; deviceApproved?: null; authChallenge?: null; loaded?: null; configAccepted: livemig.ConfigAccepted.$Shape; recvBitmap?: null; resumeAck?: null }|{ body?: "recvBitmap"; shut?: null; pong?: null; switchoverAck?: null; resumed?: null; deviceApproved?: null; authChallenge?: null; loaded?: null; configAccepted?: null; recvBitmap: livemig.RecvBitmap.$Shape; resumeAck?: null }|{ body?: "resumeAck"; shut?: null; pong?: null; switchoverAck?: null; resumed?: null; deviceApproved?: null; authChallenge?: null; loaded?: null; configAccepted?: null; recvBitmap?: null; resumeAck: livemig.ResumeAck.$Shape })
         * )} livemig.RpMessage.$Shape
         */

        /**
         * Constructs a new RpMessage.
         * @memberof livemig
         * @classdesc Represents a RpMessage.
         * @constructor
         * @param {livemig.RpMessage.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var RpMessage = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * RpMessage shut.
         * @member {livemig.Shut.$Properties|null|undefined} shut
         * @memberof livemig.RpMessage
         * @instance
         */
        RpMessage.prototype.shut = null;

        /**
         * RpMessage pong.
         * @member {livemig.Pong.$Properties|null|undefined} pong
         * @memberof livemig.RpMessage
         * @instance
         */
        RpMessage.prototype.pong = null;

        /**
         * RpMessage switchoverAck.
         * @member {livemig.SwitchoverAck.$Properties|null|undefined} switchoverAck
         * @memberof livemig.RpMessage
         * @instance
         */
        RpMessage.prototype.switchoverAck = null;

        /**
         * RpMessage resumed.
         * @member {livemig.Resumed.$Properties|null|undefined} resumed
         * @memberof livemig.RpMessage
         * @instance
         */
        RpMessage.prototype.resumed = null;

        /**
         * RpMessage deviceApproved.
         * @member {livemig.DeviceApproved.$Properties|null|undefined} deviceApproved
         * @memberof livemig.RpMessage
         * @instance
         */
        RpMessage.prototype.deviceApproved = null;

        /**
         * RpMessage authChallenge.
         * @member {livemig.AuthChallenge.$Properties|null|undefined} authChallenge
         * @memberof livemig.RpMessage
         * @instance
         */
        RpMessage.prototype.authChallenge = null;

        /**
         * RpMessage loaded.
         * @member {livemig.Loaded.$Properties|null|undefined} loaded
         * @memberof livemig.RpMessage
         * @instance
         */
        RpMessage.prototype.loaded = null;

        /**
         * RpMessage configAccepted.
         * @member {livemig.ConfigAccepted.$Properties|null|undefined} configAccepted
         * @memberof livemig.RpMessage
         * @instance
         */
        RpMessage.prototype.configAccepted = null;

        /**
         * RpMessage recvBitmap.
         * @member {livemig.RecvBitmap.$Properties|null|undefined} recvBitmap
         * @memberof livemig.RpMessage
         * @instance
         */
        RpMessage.prototype.recvBitmap = null;

        /**
         * RpMessage resumeAck.
         * @member {livemig.ResumeAck.$Properties|null|undefined} resumeAck
         * @memberof livemig.RpMessage
         * @instance
         */
        RpMessage.prototype.resumeAck = null;

        // OneOf field names bound to virtual getters and setters
        var $oneOfFields;

        /**
         * RpMessage body.
         * @member {"shut"|"pong"|"switchoverAck"|"resumed"|"deviceApproved"|"authChallenge"|"loaded"|"configAccepted"|"recvBitmap"|"resumeAck"|undefined} body
         * @memberof livemig.RpMessage
         * @instance
         */
        $Object.defineProperty(RpMessage.prototype, "body", {
            get: $util.oneOfGetter($oneOfFields = ["shut", "pong", "switchoverAck", "resumed", "deviceApproved", "authChallenge", "loaded", "configAccepted", "recvBitmap", "resumeAck"]),
            set: $util.oneOfSetter($oneOfFields)
        });

        /**
         * Creates a new RpMessage instance using the specified properties.
         * @function create
         * @memberof livemig.RpMessage
         * @static
         * @param {livemig.RpMessage.$Properties=} [properties] Properties to set
         * @returns {livemig.RpMessage} RpMessage instance
         * @type {{
         *   (properties: livemig.RpMessage.$Shape): livemig.RpMessage & livemig.RpMessage.$Shape;
         *   (properties?: livemig.RpMessage.$Properties): livemig.RpMessage;
         * }}
         */
        RpMessage.create = function(properties) {
            return new RpMessage(properties);
        };

        /**
         * Encodes the specified RpMessage message. Does not implicitly {@link livemig.RpMessage.verify|verify} messages.
         * @function encode
         * @memberof livemig.RpMessage
         * @static
         * @param {livemig.RpMessage.$Properties} message RpMessage message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        RpMessage.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.shut != null && $Object.hasOwnProperty.call(message, "shut"))
                $root.livemig.Shut.encode(message.shut, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.pong != null && $Object.hasOwnProperty.call(message, "pong"))
                $root.livemig.Pong.encode(message.pong, writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
            if (message.switchoverAck != null && $Object.hasOwnProperty.call(message, "switchoverAck"))
                $root.livemig.SwitchoverAck.encode(message.switchoverAck, writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
            if (message.resumed != null && $Object.hasOwnProperty.call(message, "resumed"))
                $root.livemig.Resumed.encode(message.resumed, writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
            if (message.deviceApproved != null && $Object.hasOwnProperty.call(message, "deviceApproved"))
                $root.livemig.DeviceApproved.encode(message.deviceApproved, writer.uint32(/* id 5, wireType 2 =*/42).fork(), _depth + 1).ldelim();
            if (message.authChallenge != null && $Object.hasOwnProperty.call(message, "authChallenge"))
                $root.livemig.AuthChallenge.encode(message.authChallenge, writer.uint32(/* id 6, wireType 2 =*/50).fork(), _depth + 1).ldelim();
            if (message.loaded != null && $Object.hasOwnProperty.call(message, "loaded"))
                $root.livemig.Loaded.encode(message.loaded, writer.uint32(/* id 7, wireType 2 =*/58).fork(), _depth + 1).ldelim();
            if (message.configAccepted != null && $Object.hasOwnProperty.call(message, "configAccepted"))
                $root.livemig.ConfigAccepted.encode(message.configAccepted, writer.uint32(/* id 8, wireType 2 =*/66).fork(), _depth + 1).ldelim();
            if (message.recvBitmap != null && $Object.hasOwnProperty.call(message, "recvBitmap"))
                $root.livemig.RecvBitmap.encode(message.recvBitmap, writer.uint32(/* id 9, wireType 2 =*/74).fork(), _depth + 1).ldelim();
            if (message.resumeAck != null && $Object.hasOwnProperty.call(message, "resumeAck"))
                $root.livemig.ResumeAck.encode(message.resumeAck, writer.uint32(/* id 10, wireType 2 =*/82).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a RpMessage message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.RpMessage
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.RpMessage & livemig.RpMessage.$Shape} RpMessage
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        RpMessage.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.RpMessage();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        message.shut = $root.livemig.Shut.decode(reader, reader.size(), $undefined, _depth + 1, message.shut);
                        message.body = "shut";
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        message.pong = $root.livemig.Pong.decode(reader, reader.size(), $undefined, _depth + 1, message.pong);
                        message.body = "pong";
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        message.switchoverAck = $root.livemig.SwitchoverAck.decode(reader, reader.size(), $undefined, _depth + 1, message.switchoverAck);
                        message.body = "switchoverAck";
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        message.resumed = $root.livemig.Resumed.decode(reader, reader.size(), $undefined, _depth + 1, message.resumed);
                        message.body = "resumed";
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        message.deviceApproved = $root.livemig.DeviceApproved.decode(reader, reader.size(), $undefined, _depth + 1, message.deviceApproved);
                        message.body = "deviceApproved";
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        message.authChallenge = $root.livemig.AuthChallenge.decode(reader, reader.size(), $undefined, _depth + 1, message.authChallenge);
                        message.body = "authChallenge";
                        continue;
                    }
                case 7: {
                        if (wireType !== 2)
                            break;
                        message.loaded = $root.livemig.Loaded.decode(reader, reader.size(), $undefined, _depth + 1, message.loaded);
                        message.body = "loaded";
                        continue;
                    }
                case 8: {
                        if (wireType !== 2)
                            break;
                        message.configAccepted = $root.livemig.ConfigAccepted.decode(reader, reader.size(), $undefined, _depth + 1, message.configAccepted);
                        message.body = "configAccepted";
                        continue;
                    }
                case 9: {
                        if (wireType !== 2)
                            break;
                        message.recvBitmap = $root.livemig.RecvBitmap.decode(reader, reader.size(), $undefined, _depth + 1, message.recvBitmap);
                        message.body = "recvBitmap";
                        continue;
                    }
                case 10: {
                        if (wireType !== 2)
                            break;
                        message.resumeAck = $root.livemig.ResumeAck.decode(reader, reader.size(), $undefined, _depth + 1, message.resumeAck);
                        message.body = "resumeAck";
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for RpMessage
         * @function getTypeUrl
         * @memberof livemig.RpMessage
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        RpMessage.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.RpMessage";
        };

        return RpMessage;
    })();

    livemig.RecvBitmap = (function() {

        /**
         * Properties of a RecvBitmap.
         * @typedef {Object} livemig.RecvBitmap.$Properties
         * @property {string|null} [deviceId] RecvBitmap deviceId
         * @property {Uint8Array|null} [data] RecvBitmap data
         * @property {boolean|null} [last] RecvBitmap last
         * @property {boolean|null} [none] RecvBitmap none
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a RecvBitmap.
         * @memberof livemig
         * @interface IRecvBitmap
         * @augments livemig.RecvBitmap.$Properties
         * @deprecated Use livemig.RecvBitmap.$Properties instead.
         */

        /**
         * Shape of a RecvBitmap.
         * @typedef {livemig.RecvBitmap.$Properties} livemig.RecvBitmap.$Shape
         */

        /**
         * Constructs a new RecvBitmap.
         * @memberof livemig
         * @classdesc Represents a RecvBitmap.
         * @constructor
         * @param {livemig.RecvBitmap.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var RecvBitmap = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * RecvBitmap deviceId.
         * @member {string} deviceId
         * @memberof livemig.RecvBitmap
         * @instance
         */
        RecvBitmap.prototype.deviceId = "";

        /**
         * RecvBitmap data.
         * @member {Uint8Array} data
         * @memberof livemig.RecvBitmap
         * @instance
         */
        RecvBitmap.prototype.data = $util.newBuffer([]);

        /**
         * RecvBitmap last.
         * @member {boolean} last
         * @memberof livemig.RecvBitmap
         * @instance
         */
        RecvBitmap.prototype.last = false;

        /**
         * RecvBitmap none.
         * @member {boolean} none
         * @memberof livemig.RecvBitmap
         * @instance
         */
        RecvBitmap.prototype.none = false;

        /**
         * Creates a new RecvBitmap instance using the specified properties.
         * @function create
         * @memberof livemig.RecvBitmap
         * @static
         * @param {livemig.RecvBitmap.$Properties=} [properties] Properties to set
         * @returns {livemig.RecvBitmap} RecvBitmap instance
         * @type {{
         *   (properties: livemig.RecvBitmap.$Shape): livemig.RecvBitmap & livemig.RecvBitmap.$Shape;
         *   (properties?: livemig.RecvBitmap.$Properties): livemig.RecvBitmap;
         * }}
         */
        RecvBitmap.create = function(properties) {
            return new RecvBitmap(properties);
        };

        /**
         * Encodes the specified RecvBitmap message. Does not implicitly {@link livemig.RecvBitmap.verify|verify} messages.
         * @function encode
         * @memberof livemig.RecvBitmap
         * @static
         * @param {livemig.RecvBitmap.$Properties} message RecvBitmap message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        RecvBitmap.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.deviceId != null && $Object.hasOwnProperty.call(message, "deviceId") && message.deviceId !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.deviceId);
            if (message.data != null && $Object.hasOwnProperty.call(message, "data") && message.data.length)
                writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.data);
            if (message.last != null && $Object.hasOwnProperty.call(message, "last") && message.last !== false)
                writer.uint32(/* id 3, wireType 0 =*/24).bool(message.last);
            if (message.none != null && $Object.hasOwnProperty.call(message, "none") && message.none !== false)
                writer.uint32(/* id 4, wireType 0 =*/32).bool(message.none);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a RecvBitmap message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.RecvBitmap
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.RecvBitmap & livemig.RecvBitmap.$Shape} RecvBitmap
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        RecvBitmap.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.RecvBitmap();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.deviceId = value;
                        else
                            delete message.deviceId;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.data = value;
                        else
                            delete message.data;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.last = value;
                        else
                            delete message.last;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.none = value;
                        else
                            delete message.none;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for RecvBitmap
         * @function getTypeUrl
         * @memberof livemig.RecvBitmap
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        RecvBitmap.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.RecvBitmap";
        };

        return RecvBitmap;
    })();

    livemig.ResumeAck = (function() {

        /**
         * Properties of a ResumeAck.
         * @typedef {Object} livemig.ResumeAck.$Properties
         * @property {number|null} [resumes] ResumeAck resumes
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a ResumeAck.
         * @memberof livemig
         * @interface IResumeAck
         * @augments livemig.ResumeAck.$Properties
         * @deprecated Use livemig.ResumeAck.$Properties instead.
         */

        /**
         * Shape of a ResumeAck.
         * @typedef {livemig.ResumeAck.$Properties} livemig.ResumeAck.$Shape
         */

        /**
         * Constructs a new ResumeAck.
         * @memberof livemig
         * @classdesc Represents a ResumeAck.
         * @constructor
         * @param {livemig.ResumeAck.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var ResumeAck = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * ResumeAck resumes.
         * @member {number} resumes
         * @memberof livemig.ResumeAck
         * @instance
         */
        ResumeAck.prototype.resumes = 0;

        /**
         * Creates a new ResumeAck instance using the specified properties.
         * @function create
         * @memberof livemig.ResumeAck
         * @static
         * @param {livemig.ResumeAck.$Properties=} [properties] Properties to set
         * @returns {livemig.ResumeAck} ResumeAck instance
         * @type {{
         *   (properties: livemig.ResumeAck.$Shape): livemig.ResumeAck & livemig.ResumeAck.$Shape;
         *   (properties?: livemig.ResumeAck.$Properties): livemig.ResumeAck;
         * }}
         */
        ResumeAck.create = function(properties) {
            return new ResumeAck(properties);
        };

        /**
         * Encodes the specified ResumeAck message. Does not implicitly {@link livemig.ResumeAck.verify|verify} messages.
         * @function encode
         * @memberof livemig.ResumeAck
         * @static
         * @param {livemig.ResumeAck.$Properties} message ResumeAck message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ResumeAck.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.resumes != null && $Object.hasOwnProperty.call(message, "resumes") && message.resumes !== 0)
                writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.resumes);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a ResumeAck message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.ResumeAck
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.ResumeAck & livemig.ResumeAck.$Shape} ResumeAck
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ResumeAck.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.ResumeAck();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.resumes = value;
                        else
                            delete message.resumes;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for ResumeAck
         * @function getTypeUrl
         * @memberof livemig.ResumeAck
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        ResumeAck.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.ResumeAck";
        };

        return ResumeAck;
    })();

    livemig.ConfigAccepted = (function() {

        /**
         * Properties of a ConfigAccepted.
         * @typedef {Object} livemig.ConfigAccepted.$Properties
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a ConfigAccepted.
         * @memberof livemig
         * @interface IConfigAccepted
         * @augments livemig.ConfigAccepted.$Properties
         * @deprecated Use livemig.ConfigAccepted.$Properties instead.
         */

        /**
         * Shape of a ConfigAccepted.
         * @typedef {livemig.ConfigAccepted.$Properties} livemig.ConfigAccepted.$Shape
         */

        /**
         * Constructs a new ConfigAccepted.
         * @memberof livemig
         * @classdesc Represents a ConfigAccepted.
         * @constructor
         * @param {livemig.ConfigAccepted.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var ConfigAccepted = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Creates a new ConfigAccepted instance using the specified properties.
         * @function create
         * @memberof livemig.ConfigAccepted
         * @static
         * @param {livemig.ConfigAccepted.$Properties=} [properties] Properties to set
         * @returns {livemig.ConfigAccepted} ConfigAccepted instance
         * @type {{
         *   (properties: livemig.ConfigAccepted.$Shape): livemig.ConfigAccepted & livemig.ConfigAccepted.$Shape;
         *   (properties?: livemig.ConfigAccepted.$Properties): livemig.ConfigAccepted;
         * }}
         */
        ConfigAccepted.create = function(properties) {
            return new ConfigAccepted(properties);
        };

        /**
         * Encodes the specified ConfigAccepted message. Does not implicitly {@link livemig.ConfigAccepted.verify|verify} messages.
         * @function encode
         * @memberof livemig.ConfigAccepted
         * @static
         * @param {livemig.ConfigAccepted.$Properties} message ConfigAccepted message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ConfigAccepted.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a ConfigAccepted message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.ConfigAccepted
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.ConfigAccepted & livemig.ConfigAccepted.$Shape} ConfigAccepted
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ConfigAccepted.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.ConfigAccepted();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                reader.skipType(tag & 7, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for ConfigAccepted
         * @function getTypeUrl
         * @memberof livemig.ConfigAccepted
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        ConfigAccepted.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.ConfigAccepted";
        };

        return ConfigAccepted;
    })();

    livemig.AuthChallenge = (function() {

        /**
         * Properties of an AuthChallenge.
         * @typedef {Object} livemig.AuthChallenge.$Properties
         * @property {Uint8Array|null} [nonce] AuthChallenge nonce
         * @property {Uint8Array|null} [mac] AuthChallenge mac
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an AuthChallenge.
         * @memberof livemig
         * @interface IAuthChallenge
         * @augments livemig.AuthChallenge.$Properties
         * @deprecated Use livemig.AuthChallenge.$Properties instead.
         */

        /**
         * Shape of an AuthChallenge.
         * @typedef {livemig.AuthChallenge.$Properties} livemig.AuthChallenge.$Shape
         */

        /**
         * Constructs a new AuthChallenge.
         * @memberof livemig
         * @classdesc Represents an AuthChallenge.
         * @constructor
         * @param {livemig.AuthChallenge.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var AuthChallenge = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * AuthChallenge nonce.
         * @member {Uint8Array} nonce
         * @memberof livemig.AuthChallenge
         * @instance
         */
        AuthChallenge.prototype.nonce = $util.newBuffer([]);

        /**
         * AuthChallenge mac.
         * @member {Uint8Array} mac
         * @memberof livemig.AuthChallenge
         * @instance
         */
        AuthChallenge.prototype.mac = $util.newBuffer([]);

        /**
         * Creates a new AuthChallenge instance using the specified properties.
         * @function create
         * @memberof livemig.AuthChallenge
         * @static
         * @param {livemig.AuthChallenge.$Properties=} [properties] Properties to set
         * @returns {livemig.AuthChallenge} AuthChallenge instance
         * @type {{
         *   (properties: livemig.AuthChallenge.$Shape): livemig.AuthChallenge & livemig.AuthChallenge.$Shape;
         *   (properties?: livemig.AuthChallenge.$Properties): livemig.AuthChallenge;
         * }}
         */
        AuthChallenge.create = function(properties) {
            return new AuthChallenge(properties);
        };

        /**
         * Encodes the specified AuthChallenge message. Does not implicitly {@link livemig.AuthChallenge.verify|verify} messages.
         * @function encode
         * @memberof livemig.AuthChallenge
         * @static
         * @param {livemig.AuthChallenge.$Properties} message AuthChallenge message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        AuthChallenge.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.nonce != null && $Object.hasOwnProperty.call(message, "nonce") && message.nonce.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.nonce);
            if (message.mac != null && $Object.hasOwnProperty.call(message, "mac") && message.mac.length)
                writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.mac);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an AuthChallenge message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.AuthChallenge
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.AuthChallenge & livemig.AuthChallenge.$Shape} AuthChallenge
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        AuthChallenge.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.AuthChallenge();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.nonce = value;
                        else
                            delete message.nonce;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.mac = value;
                        else
                            delete message.mac;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for AuthChallenge
         * @function getTypeUrl
         * @memberof livemig.AuthChallenge
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        AuthChallenge.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.AuthChallenge";
        };

        return AuthChallenge;
    })();

    livemig.Loaded = (function() {

        /**
         * Properties of a Loaded.
         * @typedef {Object} livemig.Loaded.$Properties
         * @property {boolean|null} [verified] Loaded verified
         * @property {Array.<livemig.DeviceMessage.$Properties>|null} [deviceMessages] Loaded deviceMessages
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Loaded.
         * @memberof livemig
         * @interface ILoaded
         * @augments livemig.Loaded.$Properties
         * @deprecated Use livemig.Loaded.$Properties instead.
         */

        /**
         * Shape of a Loaded.
         * @typedef {livemig.Loaded.$Properties} livemig.Loaded.$Shape
         */

        /**
         * Constructs a new Loaded.
         * @memberof livemig
         * @classdesc Represents a Loaded.
         * @constructor
         * @param {livemig.Loaded.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Loaded = function (properties) {
            this.deviceMessages = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Loaded verified.
         * @member {boolean} verified
         * @memberof livemig.Loaded
         * @instance
         */
        Loaded.prototype.verified = false;

        /**
         * Loaded deviceMessages.
         * @member {Array.<livemig.DeviceMessage.$Properties>} deviceMessages
         * @memberof livemig.Loaded
         * @instance
         */
        Loaded.prototype.deviceMessages = $util.emptyArray;

        /**
         * Creates a new Loaded instance using the specified properties.
         * @function create
         * @memberof livemig.Loaded
         * @static
         * @param {livemig.Loaded.$Properties=} [properties] Properties to set
         * @returns {livemig.Loaded} Loaded instance
         * @type {{
         *   (properties: livemig.Loaded.$Shape): livemig.Loaded & livemig.Loaded.$Shape;
         *   (properties?: livemig.Loaded.$Properties): livemig.Loaded;
         * }}
         */
        Loaded.create = function(properties) {
            return new Loaded(properties);
        };

        /**
         * Encodes the specified Loaded message. Does not implicitly {@link livemig.Loaded.verify|verify} messages.
         * @function encode
         * @memberof livemig.Loaded
         * @static
         * @param {livemig.Loaded.$Properties} message Loaded message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Loaded.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.verified != null && $Object.hasOwnProperty.call(message, "verified") && message.verified !== false)
                writer.uint32(/* id 1, wireType 0 =*/8).bool(message.verified);
            if (message.deviceMessages != null && message.deviceMessages.length)
                for (var i = 0; i < message.deviceMessages.length; ++i)
                    $root.livemig.DeviceMessage.encode(message.deviceMessages[i], writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Loaded message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.Loaded
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.Loaded & livemig.Loaded.$Shape} Loaded
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Loaded.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.Loaded();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.verified = value;
                        else
                            delete message.verified;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if (!(message.deviceMessages && message.deviceMessages.length))
                            message.deviceMessages = [];
                        message.deviceMessages.push($root.livemig.DeviceMessage.decode(reader, reader.size(), $undefined, _depth + 1));
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Loaded
         * @function getTypeUrl
         * @memberof livemig.Loaded
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Loaded.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.Loaded";
        };

        return Loaded;
    })();

    livemig.DeviceMessage = (function() {

        /**
         * Properties of a DeviceMessage.
         * @typedef {Object} livemig.DeviceMessage.$Properties
         * @property {string|null} [deviceId] DeviceMessage deviceId
         * @property {Uint8Array|null} [data] DeviceMessage data
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a DeviceMessage.
         * @memberof livemig
         * @interface IDeviceMessage
         * @augments livemig.DeviceMessage.$Properties
         * @deprecated Use livemig.DeviceMessage.$Properties instead.
         */

        /**
         * Shape of a DeviceMessage.
         * @typedef {livemig.DeviceMessage.$Properties} livemig.DeviceMessage.$Shape
         */

        /**
         * Constructs a new DeviceMessage.
         * @memberof livemig
         * @classdesc Represents a DeviceMessage.
         * @constructor
         * @param {livemig.DeviceMessage.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var DeviceMessage = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * DeviceMessage deviceId.
         * @member {string} deviceId
         * @memberof livemig.DeviceMessage
         * @instance
         */
        DeviceMessage.prototype.deviceId = "";

        /**
         * DeviceMessage data.
         * @member {Uint8Array} data
         * @memberof livemig.DeviceMessage
         * @instance
         */
        DeviceMessage.prototype.data = $util.newBuffer([]);

        /**
         * Creates a new DeviceMessage instance using the specified properties.
         * @function create
         * @memberof livemig.DeviceMessage
         * @static
         * @param {livemig.DeviceMessage.$Properties=} [properties] Properties to set
         * @returns {livemig.DeviceMessage} DeviceMessage instance
         * @type {{
         *   (properties: livemig.DeviceMessage.$Shape): livemig.DeviceMessage & livemig.DeviceMessage.$Shape;
         *   (properties?: livemig.DeviceMessage.$Properties): livemig.DeviceMessage;
         * }}
         */
        DeviceMessage.create = function(properties) {
            return new DeviceMessage(properties);
        };

        /**
         * Encodes the specified DeviceMessage message. Does not implicitly {@link livemig.DeviceMessage.verify|verify} messages.
         * @function encode
         * @memberof livemig.DeviceMessage
         * @static
         * @param {livemig.DeviceMessage.$Properties} message DeviceMessage message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        DeviceMessage.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.deviceId != null && $Object.hasOwnProperty.call(message, "deviceId") && message.deviceId !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.deviceId);
            if (message.data != null && $Object.hasOwnProperty.call(message, "data") && message.data.length)
                writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.data);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a DeviceMessage message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.DeviceMessage
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.DeviceMessage & livemig.DeviceMessage.$Shape} DeviceMessage
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        DeviceMessage.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.DeviceMessage();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.deviceId = value;
                        else
                            delete message.deviceId;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.data = value;
                        else
                            delete message.data;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for DeviceMessage
         * @function getTypeUrl
         * @memberof livemig.DeviceMessage
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        DeviceMessage.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.DeviceMessage";
        };

        return DeviceMessage;
    })();

    livemig.Shut = (function() {

        /**
         * Properties of a Shut.
         * @typedef {Object} livemig.Shut.$Properties
         * @property {boolean|null} [ok] Shut ok
         * @property {string|null} [code] Shut code
         * @property {string|null} [reason] Shut reason
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Shut.
         * @memberof livemig
         * @interface IShut
         * @augments livemig.Shut.$Properties
         * @deprecated Use livemig.Shut.$Properties instead.
         */

        /**
         * Shape of a Shut.
         * @typedef {livemig.Shut.$Properties} livemig.Shut.$Shape
         */

        /**
         * Constructs a new Shut.
         * @memberof livemig
         * @classdesc Represents a Shut.
         * @constructor
         * @param {livemig.Shut.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Shut = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Shut ok.
         * @member {boolean} ok
         * @memberof livemig.Shut
         * @instance
         */
        Shut.prototype.ok = false;

        /**
         * Shut code.
         * @member {string} code
         * @memberof livemig.Shut
         * @instance
         */
        Shut.prototype.code = "";

        /**
         * Shut reason.
         * @member {string} reason
         * @memberof livemig.Shut
         * @instance
         */
        Shut.prototype.reason = "";

        /**
         * Creates a new Shut instance using the specified properties.
         * @function create
         * @memberof livemig.Shut
         * @static
         * @param {livemig.Shut.$Properties=} [properties] Properties to set
         * @returns {livemig.Shut} Shut instance
         * @type {{
         *   (properties: livemig.Shut.$Shape): livemig.Shut & livemig.Shut.$Shape;
         *   (properties?: livemig.Shut.$Properties): livemig.Shut;
         * }}
         */
        Shut.create = function(properties) {
            return new Shut(properties);
        };

        /**
         * Encodes the specified Shut message. Does not implicitly {@link livemig.Shut.verify|verify} messages.
         * @function encode
         * @memberof livemig.Shut
         * @static
         * @param {livemig.Shut.$Properties} message Shut message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Shut.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.ok != null && $Object.hasOwnProperty.call(message, "ok") && message.ok !== false)
                writer.uint32(/* id 1, wireType 0 =*/8).bool(message.ok);
            if (message.code != null && $Object.hasOwnProperty.call(message, "code") && message.code !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.code);
            if (message.reason != null && $Object.hasOwnProperty.call(message, "reason") && message.reason !== "")
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.reason);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Shut message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.Shut
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.Shut & livemig.Shut.$Shape} Shut
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Shut.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.Shut();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.ok = value;
                        else
                            delete message.ok;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.code = value;
                        else
                            delete message.code;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.reason = value;
                        else
                            delete message.reason;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Shut
         * @function getTypeUrl
         * @memberof livemig.Shut
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Shut.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.Shut";
        };

        return Shut;
    })();

    livemig.Pong = (function() {

        /**
         * Properties of a Pong.
         * @typedef {Object} livemig.Pong.$Properties
         * @property {number|null} [value] Pong value
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Pong.
         * @memberof livemig
         * @interface IPong
         * @augments livemig.Pong.$Properties
         * @deprecated Use livemig.Pong.$Properties instead.
         */

        /**
         * Shape of a Pong.
         * @typedef {livemig.Pong.$Properties} livemig.Pong.$Shape
         */

        /**
         * Constructs a new Pong.
         * @memberof livemig
         * @classdesc Represents a Pong.
         * @constructor
         * @param {livemig.Pong.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Pong = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Pong value.
         * @member {number} value
         * @memberof livemig.Pong
         * @instance
         */
        Pong.prototype.value = 0;

        /**
         * Creates a new Pong instance using the specified properties.
         * @function create
         * @memberof livemig.Pong
         * @static
         * @param {livemig.Pong.$Properties=} [properties] Properties to set
         * @returns {livemig.Pong} Pong instance
         * @type {{
         *   (properties: livemig.Pong.$Shape): livemig.Pong & livemig.Pong.$Shape;
         *   (properties?: livemig.Pong.$Properties): livemig.Pong;
         * }}
         */
        Pong.create = function(properties) {
            return new Pong(properties);
        };

        /**
         * Encodes the specified Pong message. Does not implicitly {@link livemig.Pong.verify|verify} messages.
         * @function encode
         * @memberof livemig.Pong
         * @static
         * @param {livemig.Pong.$Properties} message Pong message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Pong.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.value != null && $Object.hasOwnProperty.call(message, "value") && message.value !== 0)
                writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.value);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Pong message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.Pong
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.Pong & livemig.Pong.$Shape} Pong
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Pong.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.Pong();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.value = value;
                        else
                            delete message.value;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Pong
         * @function getTypeUrl
         * @memberof livemig.Pong
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Pong.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.Pong";
        };

        return Pong;
    })();

    livemig.SwitchoverAck = (function() {

        /**
         * Properties of a SwitchoverAck.
         * @typedef {Object} livemig.SwitchoverAck.$Properties
         * @property {number|null} [rearms] SwitchoverAck rearms
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a SwitchoverAck.
         * @memberof livemig
         * @interface ISwitchoverAck
         * @augments livemig.SwitchoverAck.$Properties
         * @deprecated Use livemig.SwitchoverAck.$Properties instead.
         */

        /**
         * Shape of a SwitchoverAck.
         * @typedef {livemig.SwitchoverAck.$Properties} livemig.SwitchoverAck.$Shape
         */

        /**
         * Constructs a new SwitchoverAck.
         * @memberof livemig
         * @classdesc Represents a SwitchoverAck.
         * @constructor
         * @param {livemig.SwitchoverAck.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var SwitchoverAck = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * SwitchoverAck rearms.
         * @member {number} rearms
         * @memberof livemig.SwitchoverAck
         * @instance
         */
        SwitchoverAck.prototype.rearms = 0;

        /**
         * Creates a new SwitchoverAck instance using the specified properties.
         * @function create
         * @memberof livemig.SwitchoverAck
         * @static
         * @param {livemig.SwitchoverAck.$Properties=} [properties] Properties to set
         * @returns {livemig.SwitchoverAck} SwitchoverAck instance
         * @type {{
         *   (properties: livemig.SwitchoverAck.$Shape): livemig.SwitchoverAck & livemig.SwitchoverAck.$Shape;
         *   (properties?: livemig.SwitchoverAck.$Properties): livemig.SwitchoverAck;
         * }}
         */
        SwitchoverAck.create = function(properties) {
            return new SwitchoverAck(properties);
        };

        /**
         * Encodes the specified SwitchoverAck message. Does not implicitly {@link livemig.SwitchoverAck.verify|verify} messages.
         * @function encode
         * @memberof livemig.SwitchoverAck
         * @static
         * @param {livemig.SwitchoverAck.$Properties} message SwitchoverAck message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        SwitchoverAck.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.rearms != null && $Object.hasOwnProperty.call(message, "rearms") && message.rearms !== 0)
                writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.rearms);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a SwitchoverAck message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.SwitchoverAck
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.SwitchoverAck & livemig.SwitchoverAck.$Shape} SwitchoverAck
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        SwitchoverAck.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.SwitchoverAck();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.rearms = value;
                        else
                            delete message.rearms;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for SwitchoverAck
         * @function getTypeUrl
         * @memberof livemig.SwitchoverAck
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        SwitchoverAck.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.SwitchoverAck";
        };

        return SwitchoverAck;
    })();

    livemig.Resumed = (function() {

        /**
         * Properties of a Resumed.
         * @typedef {Object} livemig.Resumed.$Properties
         * @property {number|null} [receiveMs] Resumed receiveMs
         * @property {number|null} [loadMs] Resumed loadMs
         * @property {number|null} [verifyMs] Resumed verifyMs
         * @property {Array.<livemig.DeviceTiming.$Properties>|null} [devices] Resumed devices
         * @property {boolean|null} [verified] Resumed verified
         * @property {boolean|null} [paused] Resumed paused
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Resumed.
         * @memberof livemig
         * @interface IResumed
         * @augments livemig.Resumed.$Properties
         * @deprecated Use livemig.Resumed.$Properties instead.
         */

        /**
         * Shape of a Resumed.
         * @typedef {livemig.Resumed.$Properties} livemig.Resumed.$Shape
         */

        /**
         * Constructs a new Resumed.
         * @memberof livemig
         * @classdesc Represents a Resumed.
         * @constructor
         * @param {livemig.Resumed.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Resumed = function (properties) {
            this.devices = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Resumed receiveMs.
         * @member {number} receiveMs
         * @memberof livemig.Resumed
         * @instance
         */
        Resumed.prototype.receiveMs = 0;

        /**
         * Resumed loadMs.
         * @member {number} loadMs
         * @memberof livemig.Resumed
         * @instance
         */
        Resumed.prototype.loadMs = 0;

        /**
         * Resumed verifyMs.
         * @member {number} verifyMs
         * @memberof livemig.Resumed
         * @instance
         */
        Resumed.prototype.verifyMs = 0;

        /**
         * Resumed devices.
         * @member {Array.<livemig.DeviceTiming.$Properties>} devices
         * @memberof livemig.Resumed
         * @instance
         */
        Resumed.prototype.devices = $util.emptyArray;

        /**
         * Resumed verified.
         * @member {boolean} verified
         * @memberof livemig.Resumed
         * @instance
         */
        Resumed.prototype.verified = false;

        /**
         * Resumed paused.
         * @member {boolean} paused
         * @memberof livemig.Resumed
         * @instance
         */
        Resumed.prototype.paused = false;

        /**
         * Creates a new Resumed instance using the specified properties.
         * @function create
         * @memberof livemig.Resumed
         * @static
         * @param {livemig.Resumed.$Properties=} [properties] Properties to set
         * @returns {livemig.Resumed} Resumed instance
         * @type {{
         *   (properties: livemig.Resumed.$Shape): livemig.Resumed & livemig.Resumed.$Shape;
         *   (properties?: livemig.Resumed.$Properties): livemig.Resumed;
         * }}
         */
        Resumed.create = function(properties) {
            return new Resumed(properties);
        };

        /**
         * Encodes the specified Resumed message. Does not implicitly {@link livemig.Resumed.verify|verify} messages.
         * @function encode
         * @memberof livemig.Resumed
         * @static
         * @param {livemig.Resumed.$Properties} message Resumed message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Resumed.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.receiveMs != null && $Object.hasOwnProperty.call(message, "receiveMs") && !$Object.is(message.receiveMs, 0))
                writer.uint32(/* id 1, wireType 1 =*/9).double(message.receiveMs);
            if (message.loadMs != null && $Object.hasOwnProperty.call(message, "loadMs") && !$Object.is(message.loadMs, 0))
                writer.uint32(/* id 2, wireType 1 =*/17).double(message.loadMs);
            if (message.verifyMs != null && $Object.hasOwnProperty.call(message, "verifyMs") && !$Object.is(message.verifyMs, 0))
                writer.uint32(/* id 3, wireType 1 =*/25).double(message.verifyMs);
            if (message.devices != null && message.devices.length)
                for (var i = 0; i < message.devices.length; ++i)
                    $root.livemig.DeviceTiming.encode(message.devices[i], writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
            if (message.verified != null && $Object.hasOwnProperty.call(message, "verified") && message.verified !== false)
                writer.uint32(/* id 5, wireType 0 =*/40).bool(message.verified);
            if (message.paused != null && $Object.hasOwnProperty.call(message, "paused") && message.paused !== false)
                writer.uint32(/* id 6, wireType 0 =*/48).bool(message.paused);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Resumed message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.Resumed
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.Resumed & livemig.Resumed.$Shape} Resumed
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Resumed.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.Resumed();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.receiveMs = value;
                        else
                            delete message.receiveMs;
                        continue;
                    }
                case 2: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.loadMs = value;
                        else
                            delete message.loadMs;
                        continue;
                    }
                case 3: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.verifyMs = value;
                        else
                            delete message.verifyMs;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if (!(message.devices && message.devices.length))
                            message.devices = [];
                        message.devices.push($root.livemig.DeviceTiming.decode(reader, reader.size(), $undefined, _depth + 1));
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.verified = value;
                        else
                            delete message.verified;
                        continue;
                    }
                case 6: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.paused = value;
                        else
                            delete message.paused;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Resumed
         * @function getTypeUrl
         * @memberof livemig.Resumed
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Resumed.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.Resumed";
        };

        return Resumed;
    })();

    livemig.DeviceTiming = (function() {

        /**
         * Properties of a DeviceTiming.
         * @typedef {Object} livemig.DeviceTiming.$Properties
         * @property {string|null} [deviceId] DeviceTiming deviceId
         * @property {number|null} [loadMs] DeviceTiming loadMs
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a DeviceTiming.
         * @memberof livemig
         * @interface IDeviceTiming
         * @augments livemig.DeviceTiming.$Properties
         * @deprecated Use livemig.DeviceTiming.$Properties instead.
         */

        /**
         * Shape of a DeviceTiming.
         * @typedef {livemig.DeviceTiming.$Properties} livemig.DeviceTiming.$Shape
         */

        /**
         * Constructs a new DeviceTiming.
         * @memberof livemig
         * @classdesc Represents a DeviceTiming.
         * @constructor
         * @param {livemig.DeviceTiming.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var DeviceTiming = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * DeviceTiming deviceId.
         * @member {string} deviceId
         * @memberof livemig.DeviceTiming
         * @instance
         */
        DeviceTiming.prototype.deviceId = "";

        /**
         * DeviceTiming loadMs.
         * @member {number} loadMs
         * @memberof livemig.DeviceTiming
         * @instance
         */
        DeviceTiming.prototype.loadMs = 0;

        /**
         * Creates a new DeviceTiming instance using the specified properties.
         * @function create
         * @memberof livemig.DeviceTiming
         * @static
         * @param {livemig.DeviceTiming.$Properties=} [properties] Properties to set
         * @returns {livemig.DeviceTiming} DeviceTiming instance
         * @type {{
         *   (properties: livemig.DeviceTiming.$Shape): livemig.DeviceTiming & livemig.DeviceTiming.$Shape;
         *   (properties?: livemig.DeviceTiming.$Properties): livemig.DeviceTiming;
         * }}
         */
        DeviceTiming.create = function(properties) {
            return new DeviceTiming(properties);
        };

        /**
         * Encodes the specified DeviceTiming message. Does not implicitly {@link livemig.DeviceTiming.verify|verify} messages.
         * @function encode
         * @memberof livemig.DeviceTiming
         * @static
         * @param {livemig.DeviceTiming.$Properties} message DeviceTiming message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        DeviceTiming.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.deviceId != null && $Object.hasOwnProperty.call(message, "deviceId") && message.deviceId !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.deviceId);
            if (message.loadMs != null && $Object.hasOwnProperty.call(message, "loadMs") && !$Object.is(message.loadMs, 0))
                writer.uint32(/* id 2, wireType 1 =*/17).double(message.loadMs);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a DeviceTiming message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.DeviceTiming
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.DeviceTiming & livemig.DeviceTiming.$Shape} DeviceTiming
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        DeviceTiming.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.DeviceTiming();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.deviceId = value;
                        else
                            delete message.deviceId;
                        continue;
                    }
                case 2: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.loadMs = value;
                        else
                            delete message.loadMs;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for DeviceTiming
         * @function getTypeUrl
         * @memberof livemig.DeviceTiming
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        DeviceTiming.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.DeviceTiming";
        };

        return DeviceTiming;
    })();

    livemig.DeviceApproved = (function() {

        /**
         * Properties of a DeviceApproved.
         * @typedef {Object} livemig.DeviceApproved.$Properties
         * @property {string|null} [deviceId] DeviceApproved deviceId
         * @property {number|null} [ms] DeviceApproved ms
         * @property {number|null} [rearms] DeviceApproved rearms
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a DeviceApproved.
         * @memberof livemig
         * @interface IDeviceApproved
         * @augments livemig.DeviceApproved.$Properties
         * @deprecated Use livemig.DeviceApproved.$Properties instead.
         */

        /**
         * Shape of a DeviceApproved.
         * @typedef {livemig.DeviceApproved.$Properties} livemig.DeviceApproved.$Shape
         */

        /**
         * Constructs a new DeviceApproved.
         * @memberof livemig
         * @classdesc Represents a DeviceApproved.
         * @constructor
         * @param {livemig.DeviceApproved.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var DeviceApproved = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * DeviceApproved deviceId.
         * @member {string} deviceId
         * @memberof livemig.DeviceApproved
         * @instance
         */
        DeviceApproved.prototype.deviceId = "";

        /**
         * DeviceApproved ms.
         * @member {number} ms
         * @memberof livemig.DeviceApproved
         * @instance
         */
        DeviceApproved.prototype.ms = 0;

        /**
         * DeviceApproved rearms.
         * @member {number} rearms
         * @memberof livemig.DeviceApproved
         * @instance
         */
        DeviceApproved.prototype.rearms = 0;

        /**
         * Creates a new DeviceApproved instance using the specified properties.
         * @function create
         * @memberof livemig.DeviceApproved
         * @static
         * @param {livemig.DeviceApproved.$Properties=} [properties] Properties to set
         * @returns {livemig.DeviceApproved} DeviceApproved instance
         * @type {{
         *   (properties: livemig.DeviceApproved.$Shape): livemig.DeviceApproved & livemig.DeviceApproved.$Shape;
         *   (properties?: livemig.DeviceApproved.$Properties): livemig.DeviceApproved;
         * }}
         */
        DeviceApproved.create = function(properties) {
            return new DeviceApproved(properties);
        };

        /**
         * Encodes the specified DeviceApproved message. Does not implicitly {@link livemig.DeviceApproved.verify|verify} messages.
         * @function encode
         * @memberof livemig.DeviceApproved
         * @static
         * @param {livemig.DeviceApproved.$Properties} message DeviceApproved message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        DeviceApproved.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.deviceId != null && $Object.hasOwnProperty.call(message, "deviceId") && message.deviceId !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.deviceId);
            if (message.ms != null && $Object.hasOwnProperty.call(message, "ms") && !$Object.is(message.ms, 0))
                writer.uint32(/* id 2, wireType 1 =*/17).double(message.ms);
            if (message.rearms != null && $Object.hasOwnProperty.call(message, "rearms") && message.rearms !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.rearms);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a DeviceApproved message from the specified reader or buffer.
         * @function decode
         * @memberof livemig.DeviceApproved
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {livemig.DeviceApproved & livemig.DeviceApproved.$Shape} DeviceApproved
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        DeviceApproved.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.livemig.DeviceApproved();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.deviceId = value;
                        else
                            delete message.deviceId;
                        continue;
                    }
                case 2: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.ms = value;
                        else
                            delete message.ms;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.rearms = value;
                        else
                            delete message.rearms;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for DeviceApproved
         * @function getTypeUrl
         * @memberof livemig.DeviceApproved
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        DeviceApproved.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/livemig.DeviceApproved";
        };

        return DeviceApproved;
    })();

    return livemig;
})();

module.exports = $root;
